"""The local stack and the `leaddesk` command: moto in server mode holding every resource of
template.yaml, the real handlers wired to it, and the developer's tools (tokens, sends, dead letters,
exports, the local inbox). Development tooling only: none of it ships to Lambda."""
