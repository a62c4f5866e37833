// The runtime configuration, served next to index.html as config.json: one build serves every
// stage (the local stack writes its own; a deployment writes it from the stack's outputs).

export type AuthConfig =
  | { mode: "local" }
  | {
      mode: "cognito";
      authority: string; // https://cognito-idp.<region>.amazonaws.com/<user pool id>
      clientId: string;
      redirectUri: string; // https://<app>/app/signin/callback
      logoutUri: string; // https://<app>/app/
      domain: string; // https://<prefix>.auth.<region>.amazoncognito.com (hosted UI, for sign-out)
    };

export interface AppConfig {
  apiUrl: string; // without a trailing slash
  auth: AuthConfig;
}

let loaded: AppConfig | undefined;

export async function loadConfig(): Promise<AppConfig> {
  if (!loaded) {
    const answer = await fetch(`${import.meta.env.BASE_URL}config.json`); // preloaded by index.html
    if (!answer.ok) {
      throw new Error(`config.json could not be loaded (${answer.status}): the app cannot reach its API`);
    }
    const config = (await answer.json()) as AppConfig;
    loaded = { ...config, apiUrl: config.apiUrl.replace(/\/+$/, "") };
  }
  return loaded;
}

export function config(): AppConfig {
  if (!loaded) throw new Error("loadConfig() first");
  return loaded;
}
