//! OAuth: the token requests of each grant, their answers, PKCE helpers, and the token state
//! with its single-flight re-authentication.

use super::clock::{race, sleep, Deadline, Either};
use super::error::{Error, ErrorKind, ErrorResponse};
use super::store::StoredToken;
use base64::Engine as _;
use http::header::{HeaderValue, CONTENT_TYPE};
use http::HeaderMap;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, RwLock};
use std::task::{Poll, Waker};
use std::time::Duration;

/// What a successful login gave: the access token (also stored in the client), and the refresh
/// token and lifetime when the grant gives them. `Debug` never shows the tokens.
#[derive(Clone)]
pub struct AuthData {
    access_token: String,
    refresh_token: Option<String>,
    expires_in: Option<Duration>,
    token_type: Option<String>,
    /// The browser flows' `state` (the official SDKs' `authData.state`).
    state: Option<String>,
    /// When the token expires, in milliseconds since the Unix epoch (`tokenExpiryTime`).
    token_expiry_time_ms: Option<u64>,
}

impl AuthData {
    /// The access token.
    pub fn access_token(&self) -> &str {
        &self.access_token
    }
    /// The refresh token (authorization code and PKCE grants).
    pub fn refresh_token(&self) -> Option<&str> {
        self.refresh_token.as_deref()
    }
    /// The token's lifetime as the server gave it (`expires_in`).
    pub fn expires_in(&self) -> Option<Duration> {
        self.expires_in
    }
    /// The token type (`bearer`).
    pub fn token_type(&self) -> Option<&str> {
        self.token_type.as_deref()
    }
    /// The `state` of a browser login (implicit or PKCE grant): what the login page sent back,
    /// else the `state` of the [`LoginOptions`](crate::LoginOptions).
    pub fn state(&self) -> Option<&str> {
        self.state.as_deref()
    }
    /// When the access token expires, in milliseconds since the Unix epoch (the official
    /// SDKs' `tokenExpiryTime`), when its lifetime is known.
    pub fn token_expiry_time_ms(&self) -> Option<u64> {
        self.token_expiry_time_ms
    }

    /// Auth data for a token obtained outside a token request (a redirect, a store).
    pub(crate) fn from_token(
        access_token: String,
        expires_in: Option<Duration>,
        token_expiry_time_ms: Option<u64>,
        state: Option<String>,
    ) -> AuthData {
        AuthData {
            access_token,
            refresh_token: None,
            expires_in,
            token_type: Some("bearer".to_owned()),
            state,
            token_expiry_time_ms,
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn with_state(mut self, state: Option<String>) -> AuthData {
        if self.state.is_none() {
            self.state = state;
        }
        self
    }
}

impl fmt::Debug for AuthData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthData")
            .field("access_token", &"<redacted>")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .field("expires_in", &self.expires_in)
            .field("token_type", &self.token_type)
            .field("state", &self.state)
            .field("token_expiry_time_ms", &self.token_expiry_time_ms)
            .finish()
    }
}

/// A random PKCE code verifier of `length` characters (43 to 128, RFC 7636) from the unreserved
/// alphabet, drawn from the operating system's CSPRNG (`getrandom`).
pub fn generate_pkce_code_verifier(length: usize) -> Result<String, Error> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    if !(43..=128).contains(&length) {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("a PKCE code verifier has 43 to 128 characters, not {length}"),
        ));
    }
    let mut out = String::with_capacity(length);
    let mut buf = [0u8; 64];
    while out.len() < length {
        getrandom::getrandom(&mut buf).map_err(|e| {
            Error::new(
                ErrorKind::InvalidInput,
                format!("the system's random number generator failed: {e}"),
            )
        })?;
        // 66 symbols: reject bytes >= 198 (3 * 66) so every symbol is equally likely.
        for b in buf {
            if out.len() == length {
                break;
            }
            if b < 198 {
                out.push(ALPHABET[(b % 66) as usize] as char);
            }
        }
    }
    Ok(out)
}

/// The S256 code challenge of a verifier: `BASE64URL-NOPAD(SHA256(verifier))`.
pub fn compute_pkce_code_challenge(verifier: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(verifier.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
}

/// A secret string: `Debug` shows `<redacted>`.
#[derive(Clone)]
pub(crate) struct Secret(Arc<str>);

impl Secret {
    pub(crate) fn new(s: &str) -> Secret {
        Secret(Arc::from(s))
    }
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// How the current token was obtained: what re-authentication can do.
#[derive(Debug)]
pub(crate) enum Grant {
    /// Client credentials: ask again.
    #[cfg(not(target_arch = "wasm32"))]
    ClientCredentials { client_id: String, secret: Secret },
    /// Authorization code (confidential client): use the refresh token.
    #[cfg(not(target_arch = "wasm32"))]
    Code { client_id: String, secret: Secret },
    /// PKCE (public client): use the refresh token with the client id.
    Pkce { client_id: String },
}

impl Grant {
    pub(crate) fn can_reauth(&self, has_refresh: bool) -> bool {
        match self {
            #[cfg(not(target_arch = "wasm32"))]
            Grant::ClientCredentials { .. } => true,
            #[cfg(not(target_arch = "wasm32"))]
            Grant::Code { .. } => has_refresh,
            Grant::Pkce { .. } => has_refresh,
        }
    }

    /// The request that renews the token.
    pub(crate) fn renewal(&self, refresh: Option<&Secret>) -> Result<TokenRequest, Error> {
        let no_refresh = || {
            Error::new(
                ErrorKind::Auth,
                "cannot re-authenticate: the grant gave no refresh token",
            )
        };
        match self {
            #[cfg(not(target_arch = "wasm32"))]
            Grant::ClientCredentials { client_id, secret } => {
                TokenRequest::client_credentials(client_id, secret.expose())
            }
            #[cfg(not(target_arch = "wasm32"))]
            Grant::Code { client_id, secret } => TokenRequest::refresh_code(
                client_id,
                secret.expose(),
                refresh.ok_or_else(no_refresh)?.expose(),
            ),
            Grant::Pkce { client_id } => {
                TokenRequest::refresh_pkce(client_id, refresh.ok_or_else(no_refresh)?.expose())
            }
        }
    }
}

fn check_credential(what: &str, v: &str, colon_ok: bool) -> Result<(), Error> {
    if v.trim().is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("the {what} is empty"),
        ));
    }
    if v.chars().any(|c| c.is_control()) || (!colon_ok && v.contains(':')) {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!(
                "the {what} contains characters that are not allowed (control characters{})",
                if colon_ok { "" } else { " or ':'" }
            ),
        ));
    }
    Ok(())
}

/// A `POST /oauth/token` request: form fields, and HTTP Basic credentials for confidential
/// clients.
pub(crate) struct TokenRequest {
    pub operation: &'static str,
    form: Vec<(&'static str, Secret)>,
    basic: Option<(String, Secret)>,
}

impl fmt::Debug for TokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenRequest")
            .field("operation", &self.operation)
            .finish_non_exhaustive()
    }
}

impl TokenRequest {
    /// The secrets this request carries (client secret, code, PKCE verifier, refresh token,
    /// assertion): a login service that echoes one in its answer must not put it in an error.
    pub(crate) fn secrets(&self) -> Vec<&str> {
        let public = ["grant_type", "redirect_uri", "client_id"];
        self.form
            .iter()
            .filter(|(k, _)| !public.contains(k))
            .map(|(_, v)| v.expose())
            .chain(self.basic.iter().map(|(_, s)| s.expose()))
            .collect()
    }

    fn new(
        operation: &'static str,
        form: Vec<(&'static str, &str)>,
        basic: Option<(&str, &str)>,
    ) -> TokenRequest {
        TokenRequest {
            operation,
            form: form.into_iter().map(|(k, v)| (k, Secret::new(v))).collect(),
            basic: basic.map(|(id, s)| (id.to_owned(), Secret::new(s))),
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn client_credentials(id: &str, secret: &str) -> Result<TokenRequest, Error> {
        check_credential("client id", id, false)?;
        check_credential("client secret", secret, true)?;
        Ok(Self::new(
            "loginClientCredentialsGrant",
            vec![("grant_type", "client_credentials")],
            Some((id, secret)),
        ))
    }

    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn code(
        id: &str,
        secret: &str,
        code: &str,
        redirect_uri: &str,
    ) -> Result<TokenRequest, Error> {
        check_credential("client id", id, false)?;
        check_credential("client secret", secret, true)?;
        check_credential("authorization code", code, true)?;
        check_credential("redirect URI", redirect_uri, true)?;
        Ok(Self::new(
            "loginCodeAuthorizationGrant",
            vec![
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", redirect_uri),
            ],
            Some((id, secret)),
        ))
    }

    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn refresh_code(
        id: &str,
        secret: &str,
        refresh: &str,
    ) -> Result<TokenRequest, Error> {
        check_credential("client id", id, false)?;
        check_credential("client secret", secret, true)?;
        check_credential("refresh token", refresh, true)?;
        Ok(Self::new(
            "refreshCodeAuthorizationToken",
            vec![("grant_type", "refresh_token"), ("refresh_token", refresh)],
            Some((id, secret)),
        ))
    }

    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn saml2(
        id: &str,
        secret: &str,
        org_name: &str,
        assertion: &str,
    ) -> Result<TokenRequest, Error> {
        check_credential("client id", id, false)?;
        check_credential("client secret", secret, true)?;
        check_credential("organization name", org_name, true)?;
        check_credential("SAML2 assertion", assertion, true)?;
        Ok(Self::new(
            "loginSaml2BearerGrant",
            vec![
                (
                    "grant_type",
                    "urn:ietf:params:oauth:grant-type:saml2-bearer",
                ),
                ("orgName", org_name),
                ("assertion", assertion),
            ],
            Some((id, secret)),
        ))
    }

    pub(crate) fn pkce(
        id: &str,
        verifier: &str,
        code: &str,
        redirect_uri: &str,
    ) -> Result<TokenRequest, Error> {
        check_credential("client id", id, false)?;
        check_credential("authorization code", code, true)?;
        check_credential("redirect URI", redirect_uri, true)?;
        let ok_verifier = (43..=128).contains(&verifier.len())
            && verifier
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
        if !ok_verifier {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "the PKCE code verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~",
            ));
        }
        Ok(Self::new(
            "loginPKCEGrant",
            vec![
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", redirect_uri),
                ("client_id", id),
                ("code_verifier", verifier),
            ],
            None,
        ))
    }

    pub(crate) fn refresh_pkce(id: &str, refresh: &str) -> Result<TokenRequest, Error> {
        check_credential("client id", id, false)?;
        check_credential("refresh token", refresh, true)?;
        Ok(Self::new(
            "refreshPKCEToken",
            vec![
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh),
                ("client_id", id),
            ],
            None,
        ))
    }

    /// The `application/x-www-form-urlencoded` body.
    pub(crate) fn body(&self) -> Vec<u8> {
        let mut out = String::new();
        for (k, v) in &self.form {
            if !out.is_empty() {
                out.push('&');
            }
            form_encode(k, &mut out);
            out.push('=');
            form_encode(v.expose(), &mut out);
        }
        out.into_bytes()
    }

    /// The headers of the request: form content type, JSON accept, and `Authorization: Basic`
    /// (marked sensitive) for confidential clients.
    pub(crate) fn headers(&self, h: &mut HeaderMap) {
        h.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        h.insert(
            http::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        );
        if let Some((id, secret)) = &self.basic {
            let creds = base64::engine::general_purpose::STANDARD
                .encode(format!("{id}:{}", secret.expose()));
            if let Ok(mut v) = HeaderValue::from_str(&format!("Basic {creds}")) {
                v.set_sensitive(true);
                h.insert(http::header::AUTHORIZATION, v);
            }
        }
    }
}

fn form_encode(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else if b == b' ' {
            out.push('+');
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
}

fn describe_body(headers: &HeaderMap, body: &[u8]) -> String {
    let ct = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("no content type");
    format!("{ct}, {} bytes", body.len())
}

/// Turns the token endpoint's answer into [`AuthData`] or a clear [`ErrorKind::Auth`] error:
/// an OAuth error (`{"error": "invalid_client", "description": "..."}`), an HTML page from a
/// proxy, or garbage. The error never contains a token.
pub(crate) fn parse_token_response(
    what: &str,
    status: u16,
    headers: &HeaderMap,
    body: &bytes::Bytes,
) -> Result<AuthData, Error> {
    let json: Option<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|v| match v {
                serde_json::Value::Object(o) => Some(o),
                _ => None,
            });
    let reason = super::response::status_text(status);
    if !(200..300).contains(&status) {
        let message = match &json {
            Some(o) if o.get("error").is_some() => {
                let code = o.get("error").and_then(|v| v.as_str()).unwrap_or("unknown_error");
                let desc = ["error_description", "description", "message"]
                    .iter()
                    .find_map(|k| o.get(*k).and_then(|v| v.as_str()))
                    .filter(|d| !d.is_empty());
                match desc {
                    Some(d) => format!("{what} failed: the login service answered {status} {reason}: {code}: {d}"),
                    None => format!("{what} failed: the login service answered {status} {reason}: {code}"),
                }
            }
            Some(o) if o.get("message").and_then(|v| v.as_str()).is_some() => format!(
                "{what} failed: the login service answered {status} {reason}: {}",
                o["message"].as_str().unwrap_or_default()
            ),
            _ => format!(
                "{what} failed: the login service answered {status} {reason} with a body that is not an OAuth error ({})",
                describe_body(headers, body)
            ),
        };
        // A login service's error may carry a token (`access_token` beside `error`): the
        // parsed body keeps no secret-named property (the raw body is redacted when shown).
        let error_body = if json.is_some() {
            crate::models::json::from_slice::<crate::models::ErrorBody>(body)
                .ok()
                .map(|mut b| {
                    let secret: Vec<String> = b
                        .unknown_fields
                        .iter()
                        .map(|(k, _)| k.clone())
                        .filter(|k| super::logging::sensitive_key(k))
                        .collect();
                    for k in secret {
                        b.unknown_fields.insert(k, super::logging::REDACTED.into());
                    }
                    b
                })
        } else {
            None
        };
        return Err(
            Error::new(ErrorKind::Auth, message).with_response(ErrorResponse {
                status,
                status_text: reason,
                headers: headers.clone(),
                body: error_body,
                raw: body.clone(),
            }),
        );
    }
    let garbage = |why: &str| {
        Error::new(
            ErrorKind::Auth,
            format!(
                "{what} failed: the login service answered {status} {reason} but {why} ({})",
                describe_body(headers, body)
            ),
        )
    };
    let o = json.ok_or_else(|| garbage("the body is not a JSON object"))?;
    let access_token = match o.get("access_token") {
        Some(serde_json::Value::String(s)) if !s.is_empty() => s.clone(),
        _ => return Err(garbage("the body has no \"access_token\"")),
    };
    if bearer(&access_token).is_none() {
        return Err(garbage(
            "the access token has characters not allowed in a header",
        ));
    }
    let expires_in = match o.get("expires_in") {
        Some(serde_json::Value::Number(n)) => {
            n.as_f64().and_then(|f| Duration::try_from_secs_f64(f).ok())
        }
        Some(serde_json::Value::String(s)) => s.trim().parse::<u64>().ok().map(Duration::from_secs),
        _ => None,
    };
    Ok(AuthData {
        access_token,
        refresh_token: o
            .get("refresh_token")
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        expires_in,
        token_type: o
            .get("token_type")
            .and_then(|v| v.as_str())
            .map(str::to_owned),
        state: None,
        token_expiry_time_ms: expires_in.and_then(expiry_ms),
    })
}

/// The `Authorization` value for a token, marked sensitive (kept out of HTTP/2 header
/// compression tables and `Debug` output of the header map).
fn bearer(token: &str) -> Option<http::HeaderValue> {
    let mut v = http::HeaderValue::from_str(&format!("Bearer {token}")).ok()?;
    v.set_sensitive(true);
    Some(v)
}

/// Unix milliseconds `lifetime` from now (saturating: a server's `expires_in` can be anything).
fn expiry_ms(lifetime: Duration) -> Option<u64> {
    let ms = u64::try_from(lifetime.as_millis()).unwrap_or(u64::MAX);
    super::clock::unix_millis().map(|now| now.saturating_add(ms))
}

/// The margin before `expires_in` at which a token is renewed: a tenth of its lifetime, at most
/// a minute.
fn renewal_margin(lifetime: Duration) -> Duration {
    (lifetime / 10).min(Duration::from_secs(60))
}

/// The shortest time a token from the token endpoint is used before it is renewed ahead of
/// its expiry: a login service answering `expires_in: 0` (or 1) would otherwise cause a token
/// request before every call. A token that really expires sooner gets a 401, which renews it.
pub(crate) const MIN_TOKEN_LIFETIME: Duration = Duration::from_secs(60);

/// The shortest time between two token requests that renew a token: a token refused with a
/// 401 this soon after it was obtained is not renewed again (the 401 is returned), so a
/// service that refuses every token costs one token request per interval, not one per call.
pub(crate) const MIN_RENEWAL_INTERVAL: Duration = Duration::from_secs(5);

/// The current token and how it can be renewed.
#[derive(Default)]
pub(crate) struct TokenState {
    pub access: Option<Secret>,
    /// `Bearer <access>` as a sensitive header value, made once per token (not per request);
    /// `None` when there is no token or it has characters a header cannot carry.
    pub bearer: Option<http::HeaderValue>,
    pub refresh: Option<Secret>,
    pub expires: Option<Deadline>,
    pub expires_at_ms: Option<u64>,
    /// Bumped on every change, so that a request knows whether the token it used is stale.
    pub version: u64,
    pub grant: Option<Arc<Grant>>,
    /// Until when the token counts as just obtained (see [`MIN_RENEWAL_INTERVAL`]).
    pub fresh_until: Option<Deadline>,
}

/// A copy of what a request needs.
pub(crate) struct Snapshot {
    pub bearer: Option<http::HeaderValue>,
    /// A token is set but cannot be sent (characters a header cannot carry).
    pub bad_token: bool,
    pub version: u64,
    pub expired: bool,
    pub can_reauth: bool,
    /// The token came from the token endpoint less than [`MIN_RENEWAL_INTERVAL`] ago.
    pub fresh: bool,
}

#[derive(Clone, Debug)]
enum FlightResult {
    Done,
    Failed(ErrorKind, String),
    Abandoned,
}

/// How long a failed renewal is remembered: callers that saw the same token within this time
/// get the failure without another token request (no storm against a login service that
/// refuses the credentials); later callers try again (a transient failure heals).
const FAILURE_COOLDOWN: Duration = Duration::from_secs(1);

#[derive(Default)]
struct Flight {
    running: bool,
    completed: u64,
    last: Option<FlightResult>,
    waiters: Vec<Waker>,
    /// The last failed renewal: the token version it was for, until when it is remembered.
    failure: Option<(u64, Deadline, ErrorKind, String)>,
}

/// The token state and the single flight of re-authentication.
#[derive(Default)]
pub(crate) struct AuthCore {
    state: RwLock<TokenState>,
    flight: Mutex<Flight>,
}

impl fmt::Debug for AuthCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthCore")
    }
}

struct FlightGuard<'a> {
    core: &'a AuthCore,
    finished: bool,
}

impl FlightGuard<'_> {
    fn finish(mut self, r: FlightResult) {
        self.core.end_flight(r);
        self.finished = true;
    }
}

impl Drop for FlightGuard<'_> {
    fn drop(&mut self) {
        if !self.finished {
            // The leader was cancelled (its caller dropped the future): let a waiter take over.
            self.core.end_flight(FlightResult::Abandoned);
        }
    }
}

impl AuthCore {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, TokenState> {
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, TokenState> {
        self.state.write().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn snapshot(&self) -> Snapshot {
        let s = self.read();
        Snapshot {
            bearer: s.bearer.clone(),
            bad_token: s.access.is_some() && s.bearer.is_none(),
            version: s.version,
            expired: s.expires.is_some_and(|d| d.is_past()),
            can_reauth: s
                .grant
                .as_ref()
                .is_some_and(|g| g.can_reauth(s.refresh.is_some())),
            fresh: s.fresh_until.is_some_and(|d| !d.is_past()),
        }
    }

    pub(crate) fn has_token(&self) -> bool {
        self.read().access.is_some()
    }

    /// Time until the token is renewed, when known.
    pub(crate) fn expires_in(&self) -> Option<Duration> {
        self.read().expires.map(|d| d.remaining())
    }

    /// Installs a token a grant gave; `grant` says how to renew it (`None`: keep the current
    /// grant, for renewals).
    pub(crate) fn set_from_grant(&self, data: &AuthData, grant: Option<Option<Arc<Grant>>>) {
        let mut s = self.write();
        s.access = Some(Secret::new(&data.access_token));
        s.bearer = bearer(&data.access_token);
        if let Some(r) = &data.refresh_token {
            s.refresh = Some(Secret::new(r));
        } else if grant.is_some() {
            s.refresh = None;
        }
        s.expires = data.expires_in.and_then(|d| {
            Deadline::after(d.saturating_sub(renewal_margin(d)).max(MIN_TOKEN_LIFETIME))
        });
        // A renewal's token is not renewed again at once (a login's is: it may be stale).
        s.fresh_until = if grant.is_none() {
            Deadline::after(MIN_RENEWAL_INTERVAL)
        } else {
            None
        };
        s.expires_at_ms = data.expires_in.and_then(expiry_ms);
        if let Some(g) = grant {
            s.grant = g;
        }
        s.version += 1;
    }

    /// Installs a token given by the user or loaded from a store; no automatic renewal unless a
    /// grant is set later.
    pub(crate) fn set_token(
        &self,
        token: Option<&str>,
        refresh: Option<&str>,
        expires_at_ms: Option<u64>,
    ) {
        let mut s = self.write();
        s.access = token.map(Secret::new);
        s.bearer = token.and_then(bearer);
        s.refresh = refresh.map(Secret::new);
        s.expires_at_ms = expires_at_ms;
        s.expires = match (expires_at_ms, super::clock::unix_millis()) {
            (Some(at), Some(now)) => {
                let left = Duration::from_millis(at.saturating_sub(now));
                Deadline::after(left.saturating_sub(renewal_margin(left)))
            }
            _ => None,
        };
        s.grant = None;
        s.fresh_until = None;
        s.version += 1;
    }

    /// Says how the current token can be renewed (a token loaded from a store by a browser
    /// flow that knows its grant).
    pub(crate) fn set_grant(&self, grant: Option<Arc<Grant>>) {
        let mut s = self.write();
        s.grant = grant;
        s.version += 1;
    }

    /// The token as the store keeps it.
    pub(crate) fn stored(&self) -> Option<StoredToken> {
        let s = self.read();
        s.access.as_ref().map(|a| StoredToken {
            access_token: a.expose().to_owned(),
            refresh_token: s.refresh.as_ref().map(|r| r.expose().to_owned()),
            expires_at_ms: s.expires_at_ms,
        })
    }

    fn end_flight(&self, r: FlightResult) {
        let waiters = {
            let mut f = self.flight.lock().unwrap_or_else(|e| e.into_inner());
            f.running = false;
            f.completed += 1;
            f.last = Some(r);
            std::mem::take(&mut f.waiters)
        };
        for w in waiters {
            w.wake();
        }
    }

    /// Renews the token unless someone already did since `seen` (the version the caller used):
    /// one caller (the leader) runs `renew`, every other caller waits for its outcome, up to
    /// `wait_max`. A failure is returned to the leader and to every waiter; nobody loops.
    /// `Ok(true)` only for the caller that installed a new token (it persists it).
    pub(crate) async fn single_flight<F, Fut>(
        &self,
        seen: u64,
        wait_max: Duration,
        renew: F,
    ) -> Result<bool, Error>
    where
        F: FnOnce(Arc<Grant>, Option<Secret>) -> Fut,
        Fut: Future<Output = Result<AuthData, Error>>,
    {
        let guard = loop {
            if self.read().version != seen {
                return Ok(false);
            }
            let flight_no = {
                let mut f = self.flight.lock().unwrap_or_else(|e| e.into_inner());
                if let Some((v, until, kind, message)) = &f.failure {
                    if *v == seen && !until.is_past() {
                        return Err(Error::new(*kind, message.clone()));
                    }
                }
                if !f.running {
                    f.running = true;
                    break FlightGuard {
                        core: self,
                        finished: false,
                    };
                }
                f.completed
            };
            let wait = std::future::poll_fn(|cx| {
                let mut f = self.flight.lock().unwrap_or_else(|e| e.into_inner());
                if f.completed != flight_no {
                    return Poll::Ready(f.last.clone().unwrap_or(FlightResult::Abandoned));
                }
                if !f.waiters.iter().any(|w| w.will_wake(cx.waker())) {
                    f.waiters.push(cx.waker().clone());
                }
                Poll::Pending
            });
            match race(wait, sleep(wait_max)).await {
                Either::Left(FlightResult::Done) => return Ok(false),
                Either::Left(FlightResult::Failed(kind, message)) => return Err(Error::new(kind, message)),
                Either::Left(FlightResult::Abandoned) => continue,
                Either::Right(()) => {
                    return Err(Error::new(
                        ErrorKind::Auth,
                        format!(
                            "gave up after {} s waiting for another request to re-authenticate (reauthentication.refresh_token_wait_max)",
                            wait_max.as_secs_f64()
                        ),
                    ))
                }
            }
        };
        // Leader. Someone may have renewed between the version check and taking the flight.
        let (grant, refresh, version) = {
            let s = self.read();
            (s.grant.clone(), s.refresh.clone(), s.version)
        };
        if version != seen {
            guard.finish(FlightResult::Done);
            return Ok(false);
        }
        let Some(grant) = grant else {
            let e = Error::new(
                ErrorKind::Auth,
                "cannot re-authenticate: the token was not obtained by a grant the SDK can repeat",
            );
            guard.finish(FlightResult::Failed(e.kind(), e.message().to_owned()));
            return Err(e);
        };
        match renew(grant, refresh).await {
            Ok(data) => {
                self.set_from_grant(&data, None);
                self.flight
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .failure = None;
                guard.finish(FlightResult::Done);
                Ok(true)
            }
            Err(e) => {
                if let Some(until) = Deadline::after(FAILURE_COOLDOWN) {
                    self.flight
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .failure = Some((seen, until, e.kind(), e.message().to_owned()));
                }
                guard.finish(FlightResult::Failed(e.kind(), e.message().to_owned()));
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_verifier_and_challenge() {
        // RFC 7636, appendix B.
        assert_eq!(
            compute_pkce_code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        let a = generate_pkce_code_verifier(128).unwrap();
        let b = generate_pkce_code_verifier(128).unwrap();
        assert_eq!(a.len(), 128);
        assert_ne!(a, b);
        assert!(a
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"-._~".contains(&c)));
        assert_eq!(generate_pkce_code_verifier(43).unwrap().len(), 43);
        assert!(generate_pkce_code_verifier(42).is_err());
        assert!(generate_pkce_code_verifier(129).is_err());
        // Every symbol turns up: the alphabet is used whole.
        let many: String = (0..20)
            .map(|_| generate_pkce_code_verifier(128).unwrap())
            .collect();
        for c in "Az09-._~".chars() {
            assert!(many.contains(c), "{c}");
        }
    }

    #[test]
    fn token_request_bodies() {
        let r = TokenRequest::pkce("cid", &"v".repeat(43), "a code/+", "http://x/cb?a=1").unwrap();
        let body = String::from_utf8(r.body()).unwrap();
        assert_eq!(
            body,
            format!("grant_type=authorization_code&code=a+code%2F%2B&redirect_uri=http%3A%2F%2Fx%2Fcb%3Fa%3D1&client_id=cid&code_verifier={}", "v".repeat(43))
        );
        let mut h = HeaderMap::new();
        r.headers(&mut h);
        assert!(h.get("authorization").is_none());
        assert!(TokenRequest::pkce("cid", "short", "c", "r").is_err());
        assert!(TokenRequest::refresh_pkce("", "r").is_err());
        assert!(!format!("{r:?}").contains("vvvv"));
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn basic_header_and_input_checks() {
        let r = TokenRequest::client_credentials("id", "s3cret:x").unwrap();
        let mut h = HeaderMap::new();
        r.headers(&mut h);
        let v = h.get("authorization").unwrap();
        assert!(v.is_sensitive());
        assert_eq!(
            v.to_str().unwrap(),
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode("id:s3cret:x")
            )
        );
        assert_eq!(
            String::from_utf8(r.body()).unwrap(),
            "grant_type=client_credentials"
        );
        for (id, secret) in [
            ("", "s"),
            ("id", ""),
            ("a:b", "s"),
            ("id", "a\nb"),
            ("  ", "s"),
        ] {
            let e = TokenRequest::client_credentials(id, secret).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidInput);
            assert!(
                !e.message().contains(secret) || secret.is_empty() || secret == "s",
                "{}",
                e.message()
            );
        }
        let r = TokenRequest::saml2("id", "s", "My Org", "PHNhbWw+").unwrap();
        assert_eq!(
            String::from_utf8(r.body()).unwrap(),
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Asaml2-bearer&orgName=My+Org&assertion=PHNhbWw%2B"
        );
    }

    fn parse(status: u16, ct: &str, body: &str) -> Result<AuthData, Error> {
        let mut h = HeaderMap::new();
        h.insert(CONTENT_TYPE, ct.parse().unwrap());
        parse_token_response("login", status, &h, &bytes::Bytes::from(body.to_owned()))
    }

    #[test]
    fn token_responses() {
        let d = parse(
            200,
            "application/json",
            r#"{"access_token":"AT","token_type":"bearer","expires_in":3600,"refresh_token":"RT"}"#,
        )
        .unwrap();
        assert_eq!(d.access_token(), "AT");
        assert_eq!(d.refresh_token(), Some("RT"));
        assert_eq!(d.expires_in(), Some(Duration::from_secs(3600)));
        assert!(!format!("{d:?}").contains("AT\"") && !format!("{d:?}").contains("RT"));
        let d = parse(
            200,
            "application/json",
            r#"{"access_token":"AT","expires_in":"60"}"#,
        )
        .unwrap();
        assert_eq!(d.expires_in(), Some(Duration::from_secs(60)));
        // Out-of-range lifetimes are ignored or saturate, never a panic.
        let d = parse(
            200,
            "application/json",
            r#"{"access_token":"AT","expires_in":1e30}"#,
        )
        .unwrap();
        assert_eq!(d.expires_in(), None);
        let d = parse(
            200,
            "application/json",
            r#"{"access_token":"AT","expires_in":"18446744073709551615"}"#,
        )
        .unwrap();
        assert_eq!(d.token_expiry_time_ms(), Some(u64::MAX));
        AuthCore::default().set_from_grant(&d, None);

        let e = parse(
            400,
            "application/json",
            r#"{"error":"invalid_grant","description":"code expired"}"#,
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Auth);
        assert!(
            e.message().contains("invalid_grant")
                && e.message().contains("code expired")
                && e.message().contains("400"),
            "{}",
            e.message()
        );
        assert_eq!(e.status(), Some(400));
        let e = parse(
            401,
            "application/json",
            r#"{"error":"invalid_client","error_description":"bad secret"}"#,
        )
        .unwrap_err();
        assert!(
            e.message().contains("invalid_client: bad secret"),
            "{}",
            e.message()
        );

        let e = parse(502, "text/html", "<html>Bad gateway</html>").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Auth);
        assert!(
            e.message().contains("502") && e.message().contains("text/html"),
            "{}",
            e.message()
        );
        for body in [
            "<html>login page</html>",
            "garbage",
            "[]",
            r#"{"token":"x"}"#,
            r#"{"access_token":""}"#,
            r#"{"access_token":"a\nb"}"#,
        ] {
            let e = parse(200, "text/html", body).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Auth, "{body}");
            assert!(e.message().contains("200"), "{}", e.message());
            assert!(
                e.response().is_none(),
                "a 2xx body may hold a token: not kept"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn single_flight_shares_one_renewal_and_its_failure() {
        let core = Arc::new(AuthCore::default());
        core.set_from_grant(
            &AuthData {
                access_token: "t1".into(),
                refresh_token: Some("r".into()),
                expires_in: None,
                token_type: None,
                state: None,
                token_expiry_time_ms: None,
            },
            Some(Some(Arc::new(Grant::Pkce {
                client_id: "c".into(),
            }))),
        );
        let seen = core.snapshot().version;
        let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..50 {
            let core = core.clone();
            let calls = calls.clone();
            tasks.push(tokio::spawn(async move {
                core.single_flight(seen, Duration::from_secs(10), |_, _| async move {
                    calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    sleep(Duration::from_millis(100)).await;
                    Ok(AuthData {
                        access_token: "t2".into(),
                        refresh_token: None,
                        expires_in: None,
                        token_type: None,
                        state: None,
                        token_expiry_time_ms: None,
                    })
                })
                .await
            }));
        }
        let mut renewed = 0;
        for t in tasks {
            renewed += usize::from(t.await.unwrap().unwrap());
        }
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert_eq!(
            renewed, 1,
            "only the request that renewed says so (and persists)"
        );
        assert_eq!(core.stored().unwrap().access_token, "t2");
        assert!(
            core.snapshot().can_reauth,
            "the refresh token is kept when a renewal gives none"
        );

        // A failure reaches every waiter, and nobody retries it.
        let seen = core.snapshot().version;
        let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let core = core.clone();
            let calls = calls.clone();
            tasks.push(tokio::spawn(async move {
                core.single_flight(seen, Duration::from_secs(10), |_, _| async move {
                    calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    sleep(Duration::from_millis(100)).await;
                    Err(Error::new(ErrorKind::Auth, "invalid_grant"))
                })
                .await
            }));
        }
        for t in tasks {
            let e = t.await.unwrap().unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Auth);
            assert!(e.message().contains("invalid_grant"));
        }
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
        // Within a second the failure is returned again without a renewal...
        let e = core
            .single_flight(seen, Duration::from_secs(10), |_, _| async {
                unreachable!("remembered failure")
            })
            .await
            .unwrap_err();
        assert!(e.message().contains("invalid_grant"));
        // ...after it, a renewal is tried again.
        tokio::time::advance(Duration::from_secs(2)).await;

        // A waiter gives up after wait_max.
        let seen = core.snapshot().version;
        let c2 = core.clone();
        let leader = tokio::spawn(async move {
            c2.single_flight(seen, Duration::from_secs(100), |_, _| async move {
                sleep(Duration::from_secs(60)).await;
                Err(Error::new(ErrorKind::Auth, "slow"))
            })
            .await
        });
        tokio::task::yield_now().await;
        let e = core
            .single_flight(seen, Duration::from_secs(10), |_, _| async {
                unreachable!("the leader runs")
            })
            .await
            .unwrap_err();
        assert!(
            e.message().contains("gave up after 10 s"),
            "{}",
            e.message()
        );
        // A cancelled leader lets a waiter take over.
        leader.abort();
        let _ = leader.await;
        core.single_flight(seen, Duration::from_secs(10), |_, _| async {
            Ok(AuthData {
                access_token: "t3".into(),
                refresh_token: None,
                expires_in: None,
                token_type: None,
                state: None,
                token_expiry_time_ms: None,
            })
        })
        .await
        .unwrap();
        assert_eq!(core.stored().unwrap().access_token, "t3");
    }
}
