//! Simulator configuration.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;

/// Client id of the OAuth client that [`SimulatorConfig::default`] registers.
pub const DEFAULT_CLIENT_ID: &str = "sim-client-id";
/// Client secret of the default OAuth client.
pub const DEFAULT_CLIENT_SECRET: &str = "sim-client-secret";
/// Redirect URI registered for the default OAuth client.
pub const DEFAULT_REDIRECT_URI: &str = "http://localhost:8080/callback";
/// Id of the default user (logged in automatically by `/oauth/authorize`).
pub const DEFAULT_USER_ID: &str = "6f0d1c3e-2b7a-4e55-9a1f-3c5d7e9b1a20";
/// Username (and email) of the default user.
pub const DEFAULT_USERNAME: &str = "sim.user@example.com";
/// Password of the default user.
pub const DEFAULT_PASSWORD: &str = "sim-password";

/// An OAuth client registered with the login service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuthClient {
    pub client_id: String,
    pub client_secret: String,
    pub name: String,
    /// Redirect URIs accepted by `/oauth/authorize` and the code grant (exact match).
    pub redirect_uris: Vec<String>,
    /// Grant types this client may use (`client_credentials`, `authorization_code`, `implicit`,
    /// `refresh_token`, `saml2-bearer`, `pkce`); empty means all.
    pub grant_types: Vec<String>,
}

impl OAuthClient {
    pub fn new(client_id: &str, client_secret: &str) -> OAuthClient {
        OAuthClient {
            client_id: client_id.to_string(),
            client_secret: client_secret.to_string(),
            name: format!("{client_id} (simulator)"),
            redirect_uris: vec![DEFAULT_REDIRECT_URI.to_string()],
            grant_types: Vec::new(),
        }
    }

    pub fn with_redirect_uri(mut self, uri: &str) -> OAuthClient {
        self.redirect_uris.push(uri.to_string());
        self
    }

    pub fn allows(&self, grant: &str) -> bool {
        self.grant_types.is_empty() || self.grant_types.iter().any(|g| g == grant)
    }
}

/// A user that can log in (authorization code, implicit, PKCE, SAML2 bearer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimUser {
    pub id: String,
    pub name: String,
    pub email: String,
    pub username: String,
    pub password: String,
}

impl SimUser {
    pub fn new(id: &str, name: &str, email: &str) -> SimUser {
        SimUser {
            id: id.to_string(),
            name: name.to_string(),
            email: email.to_string(),
            username: email.to_string(),
            password: DEFAULT_PASSWORD.to_string(),
        }
    }
}

/// Configuration of a [`crate::Simulator`].
///
/// The default registers one client, `sim-client-id` / `sim-client-secret` with redirect URI
/// `http://localhost:8080/callback` and every grant type, and one user, "Sim User"
/// (`sim.user@example.com`, password `sim-password`, id [`DEFAULT_USER_ID`]), who is logged in
/// automatically by `/oauth/authorize`. Tokens live 24 hours; there is no rate limit.
#[derive(Clone, Debug)]
pub struct SimulatorConfig {
    /// Address to bind; default `127.0.0.1`.
    pub host: String,
    /// Port to bind; `None` picks an ephemeral port.
    pub port: Option<u16>,
    pub clients: Vec<OAuthClient>,
    /// Users who can log in; the first is the default user. They are also in the users store.
    pub users: Vec<SimUser>,
    /// Lifetime of access tokens (`expires_in`).
    pub token_lifetime: Duration,
    /// Requests per minute allowed per access token on `/api/v2`; `None` for no limit.
    pub rate_limit: Option<u32>,
    /// Seed of generated responses and seeded data.
    pub seed: u64,
    /// Seed the stateful stores (~30 users, permissions, roles, divisions, groups, queues).
    pub seed_data: bool,
    /// Request bodies larger than this get 413.
    pub max_body_bytes: usize,
    /// Request targets (path and query) longer than this get 414.
    pub max_url_bytes: usize,
    /// Load this spec file instead of the embedded one.
    pub spec_path: Option<PathBuf>,
    /// Organization name and id reported in token info.
    pub org_name: String,
    pub org_id: String,
}

/// The default longest request target: 8 KiB, the limit HTTP asks every server to support at
/// least (RFC 9110) and the one common CDNs in front of APIs apply.
pub const DEFAULT_MAX_URL_BYTES: usize = 8 * 1024;

impl Default for SimulatorConfig {
    fn default() -> Self {
        SimulatorConfig {
            host: "127.0.0.1".to_string(),
            port: None,
            clients: vec![OAuthClient::new(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)],
            users: vec![SimUser::new(DEFAULT_USER_ID, "Sim User", DEFAULT_USERNAME)],
            token_lifetime: Duration::from_secs(86_400),
            rate_limit: None,
            seed: 1,
            seed_data: true,
            max_body_bytes: 10 * 1024 * 1024,
            max_url_bytes: DEFAULT_MAX_URL_BYTES,
            spec_path: None,
            org_name: "Simulated Org".to_string(),
            org_id: "a1b2c3d4-0000-4000-8000-00000000a001".to_string(),
        }
    }
}

fn str_field(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn str_list(v: &Value, key: &str) -> Option<Vec<String>> {
    v.get(key).and_then(Value::as_array).map(|a| {
        a.iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    })
}

impl SimulatorConfig {
    /// Reads a JSON configuration; absent keys keep their defaults. Keys: `host`, `port`,
    /// `clients` (`[{clientId, clientSecret, name, redirectUris, grantTypes}]`), `users`
    /// (`[{id, name, email, username, password}]`), `tokenLifetimeSeconds`, `rateLimit`, `seed`,
    /// `seedData`, `maxBodyBytes`, `maxUrlBytes`, `spec`, `orgName`, `orgId`.
    pub fn from_json(v: &Value) -> Result<SimulatorConfig, String> {
        let mut c = SimulatorConfig::default();
        if !v.is_object() {
            return Err("configuration must be a JSON object".into());
        }
        if let Some(h) = str_field(v, "host") {
            c.host = h;
        }
        if let Some(p) = v.get("port") {
            c.port = Some(
                p.as_u64()
                    .and_then(|p| u16::try_from(p).ok())
                    .ok_or("port must be an integer 0-65535")?,
            );
        }
        if let Some(clients) = v.get("clients").and_then(Value::as_array) {
            c.clients = clients
                .iter()
                .map(|cl| {
                    let id = str_field(cl, "clientId").ok_or("client without clientId")?;
                    let secret = str_field(cl, "clientSecret").unwrap_or_default();
                    let mut client = OAuthClient::new(&id, &secret);
                    if let Some(n) = str_field(cl, "name") {
                        client.name = n;
                    }
                    if let Some(r) = str_list(cl, "redirectUris") {
                        client.redirect_uris = r;
                    }
                    if let Some(g) = str_list(cl, "grantTypes") {
                        client.grant_types = g;
                    }
                    Ok::<_, String>(client)
                })
                .collect::<Result<_, _>>()?;
        }
        if let Some(users) = v.get("users").and_then(Value::as_array) {
            c.users = users
                .iter()
                .enumerate()
                .map(|(i, u)| {
                    let email = str_field(u, "email")
                        .unwrap_or_else(|| format!("user{}@example.com", i + 1));
                    SimUser {
                        id: str_field(u, "id").unwrap_or_else(|| {
                            crate::util::uuid_seeded(crate::util::fnv1a(email.as_bytes()))
                        }),
                        name: str_field(u, "name").unwrap_or_else(|| email.clone()),
                        username: str_field(u, "username").unwrap_or_else(|| email.clone()),
                        password: str_field(u, "password")
                            .unwrap_or_else(|| DEFAULT_PASSWORD.to_string()),
                        email,
                    }
                })
                .collect();
            if c.users.is_empty() {
                return Err("users must not be empty".into());
            }
        }
        if let Some(s) = v.get("tokenLifetimeSeconds") {
            c.token_lifetime = Duration::from_secs(
                s.as_u64()
                    .ok_or("tokenLifetimeSeconds must be an integer")?,
            );
        }
        match v.get("rateLimit") {
            None | Some(Value::Null) => {}
            Some(r) => {
                c.rate_limit = Some(
                    r.as_u64()
                        .and_then(|r| u32::try_from(r).ok())
                        .ok_or("rateLimit must be an integer")?,
                )
            }
        }
        if let Some(s) = v.get("seed") {
            c.seed = s.as_u64().ok_or("seed must be an integer")?;
        }
        if let Some(s) = v.get("seedData") {
            c.seed_data = s.as_bool().ok_or("seedData must be a boolean")?;
        }
        if let Some(s) = v.get("maxBodyBytes") {
            c.max_body_bytes = s.as_u64().ok_or("maxBodyBytes must be an integer")? as usize;
        }
        if let Some(s) = v.get("maxUrlBytes") {
            c.max_url_bytes = s.as_u64().ok_or("maxUrlBytes must be an integer")? as usize;
        }
        if let Some(s) = str_field(v, "spec") {
            c.spec_path = Some(PathBuf::from(s));
        }
        if let Some(s) = str_field(v, "orgName") {
            c.org_name = s;
        }
        if let Some(s) = str_field(v, "orgId") {
            c.org_id = s;
        }
        Ok(c)
    }

    /// The default user (the first configured user).
    pub fn default_user(&self) -> &SimUser {
        &self.users[0]
    }
}
