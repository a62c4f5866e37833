import { Field, MessageBar, MessageBarBody, MessageBarTitle, ProgressBar, Spinner, Text } from "@fluentui/react-components";
import { Link, useParams } from "react-router-dom";
import type { Export } from "../../api/client";
import { ProblemBar } from "../../components/ProblemBar";
import { TAB_LABELS, when } from "../../labels";
import { useExport, useExports } from "./queries";

const STATUS_TEXT: Record<Export["status"], string> = {
  queued: "Waiting to start",
  running: "Writing the file",
  succeeded: "Ready",
  failed: "Failed",
};

/** One export: its progress while it runs, the download link once the file is ready. */
export function ExportPage() {
  const { exportId = "" } = useParams();
  const job = useExport(exportId);
  return (
    <section aria-labelledby="export-title">
      <div className="page-head">
        <h1 id="export-title">Export</h1>
        <Link to="/exports">All exports</Link>
      </div>
      {job.isPending && <Spinner label="Loading the export…" />}
      {job.isError && <ProblemBar error={job.error} retry={() => void job.refetch()} />}
      {job.data && <ExportProgress job={job.data} />}
    </section>
  );
}

function ExportProgress({ job }: { job: Export }) {
  const active = job.status === "queued" || job.status === "running";
  const rows = job.expected_rows != null ? `${job.rows} of ${job.expected_rows} leads` : `${job.rows} leads so far`;
  return (
    <div className="card export" aria-live="polite">
      <Text block>
        {TAB_LABELS[job.request.tab ?? "marketplace"]}, filters: {describeFilters(job)} · started {when(job.created_at)}
      </Text>
      {active && (
        <Field label={STATUS_TEXT[job.status]} validationMessage={rows} validationState="none">
          <ProgressBar value={job.progress ?? undefined} max={1} aria-label="Export progress" />
        </Field>
      )}
      {job.status === "succeeded" && job.download_url && (
        <MessageBar intent="success">
          <MessageBarBody>
            <MessageBarTitle>Ready</MessageBarTitle>
            {job.rows} leads.{" "}
            <a href={job.download_url} download>
              Download CSV
            </a>{" "}
            (the link works for 15 minutes; reopen this page for a new one).
          </MessageBarBody>
        </MessageBar>
      )}
      {job.status === "failed" && (
        <MessageBar intent="error" role="alert">
          <MessageBarBody>
            <MessageBarTitle>The export failed</MessageBarTitle>
            {job.reason ?? "no reason given"}. Start it again from the list.
          </MessageBarBody>
        </MessageBar>
      )}
    </div>
  );
}

/** The filters the export was asked with, as the list's address writes them (sort apart). */
function describeFilters(job: Export): string {
  const { tab: _tab, bom: _bom, sort, order: _order, include_test: test, ...filters } = job.request;
  const parts = Object.entries(filters)
    .filter(([, value]) => value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && !value.length))
    .map(([name, value]) => `${name} = ${Array.isArray(value) ? value.join(",") : String(value)}`);
  if (test) parts.push("with test leads");
  const sorted = sort && sort !== "created_at" ? `; sorted by ${sort.replace("_", " ")}` : "";
  return (parts.join(", ") || "none") + sorted;
}

/** The partner's recent exports, newest first. */
export function ExportsPage() {
  const exports = useExports();
  return (
    <section aria-labelledby="exports-title">
      <div className="page-head">
        <h1 id="exports-title">Exports</h1>
      </div>
      {exports.isPending && <Spinner label="Loading exports…" />}
      {exports.isError && <ProblemBar error={exports.error} retry={() => void exports.refetch()} />}
      {exports.data && exports.data.items.length === 0 && (
        <MessageBar intent="info">
          <MessageBarBody>No exports yet: use Export on the leads list.</MessageBarBody>
        </MessageBar>
      )}
      {exports.data && exports.data.items.length > 0 && (
        <table aria-label="Exports" className="leads">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Tab</th>
              <th scope="col">Filters</th>
              <th scope="col">Status</th>
              <th scope="col">Leads</th>
            </tr>
          </thead>
          <tbody>
            {exports.data.items.map((job) => (
              <tr key={job.export_id}>
                <td>
                  <Link to={`/exports/${job.export_id}`}>{when(job.created_at)}</Link>
                </td>
                <td>{TAB_LABELS[job.request.tab ?? "marketplace"]}</td>
                <td>{describeFilters(job)}</td>
                <td>{STATUS_TEXT[job.status]}</td>
                <td>{job.rows}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
