//! The browser logins of the official JavaScript SDK: the implicit grant and PKCE with a
//! redirect, the token kept in localStorage, logout. Building the login URLs and reading the
//! login page's answer are target-independent (and tested natively); what touches `window`
//! (`location`, `history`, `localStorage`, `sessionStorage`) is wasm32 only. See
//! `docs/browser.md`.

use super::auth::AuthData;
use super::client::Client;
use super::error::{Error, ErrorKind};
use super::request::form_decode;
use super::request::{ApiRequest, Method, RequestOptions};
use std::fmt;
use std::time::Duration;

/// Options of the browser logins, as the official SDKs' `opts` of `loginImplicitGrant` and
/// `loginPKCEGrant`.
///
/// ```
/// use purecloud_platform_client_v2::LoginOptions;
/// let opts = LoginOptions::new().state("/inbox").login_hint("ada@example.com").prompt_login();
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoginOptions {
    /// The app's own value handed back with the login's answer (`authData.state`: a return
    /// path, a view to restore). The browser logins (wasm32: `login_implicit_grant`,
    /// `login_pkce_grant_in_browser`) keep it in sessionStorage and send the login page a
    /// random state of their own instead, which the answer must carry (see `docs/browser.md`);
    /// [`implicit_grant_url`](Client::implicit_grant_url) and
    /// [`pkce_grant_url`](Client::pkce_grant_url) send this value as the `state` parameter
    /// (then make it unguessable: [`OAuthRedirect::generate_state`]).
    pub state: Option<String>,
    /// The organization name, for a single sign-on `provider` (set both or neither).
    pub org: Option<String>,
    /// The single sign-on provider (`okta`, `adfs`, `salesforce`, `onelogin`, ...), with `org`.
    pub provider: Option<String>,
    /// The organization id to log in to (Authorized Organizations).
    pub target: Option<String>,
    /// `email:orgName`, `email` or `orgName`, to prefill the login form.
    pub login_hint: Option<String>,
    /// `prompt=login`: ask for credentials even when the login service remembers the user.
    pub prompt_login: bool,
}

impl LoginOptions {
    /// No options.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets [`state`](Self::state).
    pub fn state(mut self, state: impl Into<String>) -> Self {
        self.state = Some(state.into());
        self
    }
    /// Sets [`org`](Self::org) and [`provider`](Self::provider).
    pub fn org_provider(mut self, org: impl Into<String>, provider: impl Into<String>) -> Self {
        self.org = Some(org.into());
        self.provider = Some(provider.into());
        self
    }
    /// Sets [`target`](Self::target).
    pub fn target(mut self, org_id: impl Into<String>) -> Self {
        self.target = Some(org_id.into());
        self
    }
    /// Sets [`login_hint`](Self::login_hint).
    pub fn login_hint(mut self, hint: impl Into<String>) -> Self {
        self.login_hint = Some(hint.into());
        self
    }
    /// Sets [`prompt_login`](Self::prompt_login).
    pub fn prompt_login(mut self) -> Self {
        self.prompt_login = true;
        self
    }

    fn check(&self) -> Result<(), Error> {
        let set = |o: &Option<String>| o.as_deref().is_some_and(|s| !s.is_empty());
        match (set(&self.org), set(&self.provider)) {
            (true, false) => Err(Error::new(
                ErrorKind::InvalidInput,
                "LoginOptions: provider must be set if org is set",
            )),
            (false, true) => Err(Error::new(
                ErrorKind::InvalidInput,
                "LoginOptions: org must be set if provider is set",
            )),
            _ => Ok(()),
        }
    }
}

/// What the login page sent back to the redirect URI: a token in the fragment (implicit grant),
/// a code in the query (code and PKCE grants), or an error. `Debug` hides tokens and codes.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OAuthRedirect {
    /// `#access_token=…&expires_in=…&token_type=bearer&state=…`.
    Token {
        /// The access token.
        access_token: String,
        /// Its lifetime in seconds.
        expires_in: Option<u64>,
        /// The state sent with the login request.
        state: Option<String>,
    },
    /// `?code=…&state=…`.
    Code {
        /// The authorization code.
        code: String,
        /// The state sent with the login request.
        state: Option<String>,
    },
    /// `error=…&error_description=…` (in the fragment or the query).
    Error {
        /// The OAuth error code (`access_denied`, `unauthorized_client`, ...).
        error: String,
        /// The login service's explanation.
        description: Option<String>,
        /// The state sent with the login request.
        state: Option<String>,
    },
}

impl fmt::Debug for OAuthRedirect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OAuthRedirect::Token {
                expires_in, state, ..
            } => f
                .debug_struct("Token")
                .field("access_token", &"<redacted>")
                .field("expires_in", expires_in)
                .field("state", state)
                .finish(),
            OAuthRedirect::Code { state, .. } => f
                .debug_struct("Code")
                .field("code", &"<redacted>")
                .field("state", state)
                .finish(),
            OAuthRedirect::Error {
                error,
                description,
                state,
            } => f
                .debug_struct("Error")
                .field("error", error)
                .field("description", description)
                .field("state", state)
                .finish(),
        }
    }
}

/// The OAuth parameters of a redirect, removed from the page's URL once read.
const OAUTH_PARAMS: &[&str] = &[
    "access_token",
    "expires_in",
    "token_type",
    "scope",
    "code",
    "state",
    "error",
    "error_description",
    "error_uri",
    "session_state",
];

/// The `key=value` pairs of a query or fragment, decoded; empty keys and values skipped.
fn pairs(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter_map(|p| {
            let (k, v) = p.split_once('=')?;
            let (k, v) = (form_decode(k), form_decode(v));
            (!k.is_empty() && !v.is_empty()).then_some((k, v))
        })
        .collect()
}

impl OAuthRedirect {
    /// Reads an implicit-grant answer from a URL fragment (`#access_token=…`, with or without
    /// the `#`): a token or an error; `None` when the fragment carries neither (an app's own
    /// `#/route`).
    pub fn from_fragment(fragment: &str) -> Option<OAuthRedirect> {
        let p = pairs(fragment.trim_start_matches('#'));
        Self::from_pairs(&p, true)
    }

    /// Reads a code-grant answer from a URL query (`?code=…&state=…`, with or without the `?`):
    /// a code or an error; `None` when the query carries neither.
    pub fn from_query(query: &str) -> Option<OAuthRedirect> {
        let p = pairs(query.trim_start_matches('?'));
        Self::from_pairs(&p, false)
    }

    /// Reads the answer from a whole URL: the fragment (implicit grant), else the query.
    pub fn from_url(url: &str) -> Option<OAuthRedirect> {
        let (rest, fragment) = match url.split_once('#') {
            Some((r, f)) => (r, Some(f)),
            None => (url, None),
        };
        if let Some(r) = fragment.and_then(Self::from_fragment) {
            return Some(r);
        }
        rest.split_once('?').and_then(|(_, q)| Self::from_query(q))
    }

    fn from_pairs(p: &[(String, String)], fragment: bool) -> Option<OAuthRedirect> {
        let get = |k: &str| p.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let state = get("state");
        if let Some(error) = get("error") {
            return Some(OAuthRedirect::Error {
                error,
                description: get("error_description"),
                state,
            });
        }
        if fragment {
            let access_token = get("access_token")?;
            let expires_in = get("expires_in").and_then(|e| {
                let e = e.trim();
                e.parse::<u64>().ok().or_else(|| {
                    e.parse::<f64>()
                        .ok()
                        .filter(|f| *f >= 0.0)
                        .map(|f| f as u64)
                })
            });
            Some(OAuthRedirect::Token {
                access_token,
                expires_in,
                state,
            })
        } else {
            Some(OAuthRedirect::Code {
                code: get("code")?,
                state,
            })
        }
    }

    /// A new random `state` for a login request: 32 bytes of the operating system's CSPRNG
    /// (`crypto.getRandomValues` in a browser), base64url, 43 characters. The browser logins
    /// make their own; use it with [`Client::implicit_grant_url`] and
    /// [`Client::complete_implicit_grant`] (keep it where the page that gets the answer can read
    /// it, e.g. sessionStorage).
    pub fn generate_state() -> Result<String, Error> {
        use base64::Engine as _;
        let mut r = [0u8; 32];
        getrandom::getrandom(&mut r).map_err(|e| {
            Error::new(
                ErrorKind::InvalidInput,
                format!("no random numbers for the login state: {e}"),
            )
        })?;
        Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(r))
    }

    /// The `state` the login page sent back.
    pub fn state(&self) -> Option<&str> {
        match self {
            OAuthRedirect::Token { state, .. }
            | OAuthRedirect::Code { state, .. }
            | OAuthRedirect::Error { state, .. } => state.as_deref(),
        }
    }

    /// The login error as an [`ErrorKind::Auth`] error, `[error] description` as the official
    /// SDK words it; `None` for a token or a code.
    pub fn error(&self) -> Option<Error> {
        match self {
            OAuthRedirect::Error {
                error, description, ..
            } => Some(Error::new(
                ErrorKind::Auth,
                match description {
                    Some(d) => format!("login failed: [{error}] {d}"),
                    None => format!("login failed: [{error}]"),
                },
            )),
            _ => None,
        }
    }
}

/// Removes the OAuth parameters from a query (`?a=1&code=…` → `?a=1`; `""` when none is left),
/// keeping the others as they were written.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn strip_oauth_params(query: &str) -> String {
    let kept: Vec<&str> = query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| {
            let k = p.split_once('=').map_or(*p, |(k, _)| k);
            !p.is_empty() && !OAUTH_PARAMS.contains(&form_decode(k).as_str())
        })
        .collect();
    if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    }
}

fn check_id(what: &str, v: &str) -> Result<(), Error> {
    if v.trim().is_empty() || v.chars().any(char::is_control) {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("the {what} is empty or has control characters"),
        ));
    }
    Ok(())
}

fn state_mismatch() -> Error {
    Error::new(
        ErrorKind::Auth,
        "login failed: the state in the login answer is not the state this page sent (a login it did not start?); the answer was not used",
    )
}

fn no_login_started() -> Error {
    Error::new(
        ErrorKind::Auth,
        "login failed: a login answer came but this page started no login (no login state in sessionStorage: a link someone else made, or a login started in another tab?); the answer was not used",
    )
}

/// Compares two states in a time that does not depend on where they differ.
fn same_state(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// A login this page started and has not finished, as kept in sessionStorage between the
/// page that goes to the login page and the page the answer comes back to: the random state
/// sent (`nonce`) and the app's own [`LoginOptions::state`], which never leaves the browser.
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
struct PendingLogin {
    nonce: String,
    app_state: Option<String>,
}

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
impl PendingLogin {
    /// A new login: a fresh random state.
    fn new(app_state: Option<&str>) -> Result<Self, Error> {
        Ok(PendingLogin {
            nonce: OAuthRedirect::generate_state()?,
            app_state: app_state.filter(|s| !s.is_empty()).map(str::to_owned),
        })
    }

    /// The sessionStorage value: `{"nonce": …, "appState": …}`.
    fn to_storage(&self) -> String {
        let mut o = serde_json::Map::new();
        o.insert("nonce".into(), self.nonce.clone().into());
        if let Some(s) = &self.app_state {
            o.insert("appState".into(), s.clone().into());
        }
        serde_json::Value::Object(o).to_string()
    }

    /// Reads [`to_storage`](Self::to_storage)'s value; anything else (an older SDK's plain
    /// state, a short or missing nonce) is no login.
    fn from_storage(text: &str) -> Option<Self> {
        let v: serde_json::Value = serde_json::from_str(text).ok()?;
        let nonce = v.get("nonce")?.as_str()?;
        if nonce.len() < MIN_STATE_LEN {
            return None;
        }
        let app_state = match v.get("appState") {
            None | Some(serde_json::Value::Null) => None,
            Some(s) => Some(s.as_str()?.to_owned()),
        };
        Some(PendingLogin {
            nonce: nonce.to_owned(),
            app_state,
        })
    }

    /// Checks an answer's state against the login this page started (`pending`, taken from
    /// sessionStorage): both must be there and equal. The app's state when they are.
    fn verify(pending: Option<Self>, answer_state: Option<&str>) -> Result<Option<String>, Error> {
        let pending = pending.ok_or_else(no_login_started)?;
        match answer_state {
            Some(s) if same_state(&pending.nonce, s) => Ok(pending.app_state),
            _ => Err(state_mismatch()),
        }
    }
}

/// The shortest state the browser logins accept from sessionStorage (128 bits in base64url).
const MIN_STATE_LEN: usize = 22;

impl Client {
    fn authorize_url(
        &self,
        client_id: &str,
        redirect_uri: &str,
        response_type: &str,
        code_challenge: Option<&str>,
        opts: &LoginOptions,
    ) -> Result<String, Error> {
        check_id("client id", client_id)?;
        check_id("redirect URI", redirect_uri)?;
        opts.check()?;
        let mut q = ApiRequest::new(
            Method::GET,
            "/oauth/authorize",
            "authorize",
            RequestOptions::default(),
        );
        let some = |s: &str| Some(s.to_owned());
        q.query("client_id", &some(client_id));
        q.query("redirect_uri", &some(redirect_uri));
        q.query("response_type", &some(response_type));
        if let Some(c) = code_challenge {
            q.query("code_challenge", &some(c));
            q.query("code_challenge_method", &some("S256"));
        }
        let non_empty = |o: &Option<String>| o.clone().filter(|s| !s.is_empty());
        q.query("state", &non_empty(&opts.state));
        q.query("org", &non_empty(&opts.org));
        q.query("provider", &non_empty(&opts.provider));
        q.query("target", &non_empty(&opts.target));
        q.query("login_hint", &non_empty(&opts.login_hint));
        q.query("prompt", &opts.prompt_login.then(|| "login".to_owned()));
        Ok(format!(
            "{}/oauth/authorize?{}",
            self.login_base_url(),
            q.query_string()
        ))
    }

    /// The login page URL of the implicit grant, as the official SDK's `loginImplicitGrant`
    /// builds it: `{login}/oauth/authorize?client_id&redirect_uri&response_type=token` plus
    /// `state`, `org`, `provider`, `target`, `login_hint`, `prompt=login` from `opts`. `org`
    /// and `provider` go together (an [`ErrorKind::InvalidInput`] error otherwise).
    pub fn implicit_grant_url(
        &self,
        client_id: &str,
        redirect_uri: &str,
        opts: &LoginOptions,
    ) -> Result<String, Error> {
        self.authorize_url(client_id, redirect_uri, "token", None, opts)
    }

    /// The login page URL of the PKCE grant: `response_type=code`, the `S256` challenge of a
    /// verifier (see [`compute_pkce_code_challenge`](crate::compute_pkce_code_challenge)) and
    /// the options, as [`implicit_grant_url`](Self::implicit_grant_url).
    pub fn pkce_grant_url(
        &self,
        client_id: &str,
        redirect_uri: &str,
        code_challenge: &str,
        opts: &LoginOptions,
    ) -> Result<String, Error> {
        check_id("code challenge", code_challenge)?;
        self.authorize_url(client_id, redirect_uri, "code", Some(code_challenge), opts)
    }

    /// The logout page: `{login}/logout[?client_id=…][&redirect_uri=…]`.
    pub fn logout_url(&self, client_id: Option<&str>, redirect_uri: Option<&str>) -> String {
        let mut q = ApiRequest::new(Method::GET, "/logout", "logout", RequestOptions::default());
        q.query("client_id", &client_id.map(str::to_owned));
        q.query("redirect_uri", &redirect_uri.map(str::to_owned));
        let qs = q.query_string();
        if qs.is_empty() {
            format!("{}/logout", self.login_base_url())
        } else {
            format!("{}/logout?{qs}", self.login_base_url())
        }
    }

    /// Checks the access token with `GET /api/v2/tokens/me` (what the official SDK's browser
    /// logins do before using a token). A refused token is an [`ErrorKind::Api`] error with
    /// status 401.
    pub async fn validate_access_token(&self) -> Result<(), Error> {
        if !self.has_access_token() {
            return Err(Error::new(ErrorKind::Auth, "no access token is set"));
        }
        let req = ApiRequest::new(
            Method::GET,
            "/api/v2/tokens/me",
            "getTokensMe",
            RequestOptions::default(),
        );
        self.clone().send_raw(req).await.map(|_| ())
    }

    /// Uses an implicit-grant answer (see [`OAuthRedirect::from_fragment`]) read by your own
    /// code (a popup, an iframe, a router): a login error becomes an [`ErrorKind::Auth`]
    /// error (and the token is forgotten); otherwise the answer's `state` must equal
    /// `expected_state`, the unguessable state your page sent with the login request
    /// ([`OAuthRedirect::generate_state`]) — an answer without it or with another one is
    /// refused (someone else's token, a login CSRF) —, then the token is installed (and
    /// persisted when persistence is on) and checked with `GET /api/v2/tokens/me` (a refused
    /// token is removed again and its 401 returned). An empty `expected_state` is an
    /// [`ErrorKind::InvalidInput`] error. In a browser (wasm32), `login_implicit_grant` does all
    /// of it from the page's URL, with a state of its own.
    pub async fn complete_implicit_grant(
        &self,
        redirect: &OAuthRedirect,
        expected_state: &str,
    ) -> Result<AuthData, Error> {
        if expected_state.is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "complete_implicit_grant needs the state sent with the login request (see OAuthRedirect::generate_state)",
            ));
        }
        let pending = PendingLogin {
            nonce: expected_state.to_owned(),
            app_state: Some(expected_state.to_owned()),
        };
        self.finish_implicit_answer(redirect, Some(pending)).await
    }

    /// An implicit-grant answer to the login `pending` (from sessionStorage; `None` when this
    /// page started none): a login error is an error; a token is used only when the answer's
    /// state is the login's, and the [`AuthData`] carries the app's state.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    async fn finish_implicit_answer(
        &self,
        redirect: &OAuthRedirect,
        pending: Option<PendingLogin>,
    ) -> Result<AuthData, Error> {
        if let Some(e) = redirect.error() {
            let _ = self.clear_access_token();
            return Err(e);
        }
        let OAuthRedirect::Token {
            access_token,
            expires_in,
            state,
        } = redirect
        else {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "an authorization code is not an implicit-grant answer: exchange it with login_pkce_grant",
            ));
        };
        let app_state = PendingLogin::verify(pending, state.as_deref())?;
        let lifetime = expires_in.map(Duration::from_secs);
        let at = expires_in.and_then(|s| {
            super::clock::unix_millis().map(|now| now.saturating_add(s.saturating_mul(1000)))
        });
        self.install_token(access_token, None, at, None);
        if let Err(e) = self.validate_access_token().await {
            let _ = self.clear_access_token();
            return Err(e);
        }
        Ok(AuthData::from_token(
            access_token.clone(),
            lifetime,
            at,
            app_state,
        ))
    }

    /// A code-grant (PKCE) answer to the login `pending`, with the code verifier kept for it:
    /// a login error is an error; a code is exchanged only when the answer's state is the
    /// login's; the [`AuthData`] carries the app's state.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    async fn finish_pkce_answer(
        &self,
        client_id: &str,
        redirect_uri: &str,
        redirect: &OAuthRedirect,
        pending: Option<PendingLogin>,
        verifier: Option<String>,
    ) -> Result<AuthData, Error> {
        if let Some(e) = redirect.error() {
            let _ = self.clear_access_token();
            return Err(e);
        }
        let OAuthRedirect::Code { code, state } = redirect else {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "a token is not a code-grant answer: use complete_implicit_grant",
            ));
        };
        let app_state = PendingLogin::verify(pending, state.as_deref())?;
        let verifier = verifier.ok_or_else(|| {
            Error::new(
                ErrorKind::Auth,
                "login failed: the page got an authorization code but sessionStorage has no PKCE code verifier (was the login started in another tab?)",
            )
        })?;
        let data = self
            .login_pkce_grant(client_id, &verifier, code, redirect_uri)
            .await?;
        if let Err(e) = self.validate_access_token().await {
            let _ = self.clear_access_token();
            return Err(e);
        }
        Ok(data.with_state(app_state))
    }

    /// The current token as [`AuthData`] (after a check), with `state`.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    fn current_auth_data(&self, state: Option<String>) -> Option<AuthData> {
        let t = self.current_token()?;
        let now = super::clock::unix_millis();
        let left = match (t.expires_at_ms, now) {
            (Some(at), Some(now)) => Some(Duration::from_millis(at.saturating_sub(now))),
            _ => None,
        };
        Some(AuthData::from_token(
            t.access_token,
            left,
            t.expires_at_ms,
            state,
        ))
    }
}

#[cfg(target_arch = "wasm32")]
pub use web::LocalStorageTokenStore;

#[cfg(target_arch = "wasm32")]
mod web {
    use super::*;
    use crate::runtime::store::{check_prefix, StoredToken, TokenStore, DEFAULT_PERSIST_PREFIX};
    use wasm_bindgen::JsValue;

    /// The sessionStorage key of the PKCE code verifier, as the official SDK names it (it also
    /// writes `<prefix>_pkce_code_verifier`).
    const JS_SDK_VERIFIER_KEY: &str = "genesys_cloud_sdk_pkce_code_verifier";

    fn js_error(what: &str, e: JsValue) -> Error {
        let detail = e
            .as_string()
            .or_else(|| {
                js_sys::Reflect::get(&e, &JsValue::from_str("message"))
                    .ok()
                    .and_then(|m| m.as_string())
            })
            .unwrap_or_else(|| format!("{e:?}"));
        Error::new(ErrorKind::InvalidInput, format!("{what}: {detail}"))
    }

    fn window() -> Result<web_sys::Window, Error> {
        web_sys::window().ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidInput,
                "the browser logins need a page (`window`): not available in a worker",
            )
        })
    }

    fn session_storage() -> Option<web_sys::Storage> {
        web_sys::window()?.session_storage().ok().flatten()
    }

    fn session_get(key: &str) -> Option<String> {
        session_storage()?.get_item(key).ok().flatten()
    }

    fn session_set(key: &str, value: &str) -> Result<(), Error> {
        let s = window()?
            .session_storage()
            .map_err(|e| js_error("sessionStorage is not available", e))?
            .ok_or_else(|| {
                Error::new(ErrorKind::InvalidInput, "sessionStorage is not available")
            })?;
        s.set_item(key, value)
            .map_err(|e| js_error("sessionStorage.setItem failed", e))
    }

    /// Reads and removes a value: what a login keeps there is used once.
    fn session_take(key: &str) -> Option<String> {
        let v = session_get(key);
        session_remove(key);
        v
    }

    fn session_remove(key: &str) {
        if let Some(s) = session_storage() {
            let _ = s.remove_item(key);
        }
    }

    /// Replaces the page's URL without loading anything (`history.replaceState`).
    fn replace_state(w: &web_sys::Window, url: &str) -> Result<(), Error> {
        w.history()
            .and_then(|h| h.replace_state_with_url(&JsValue::NULL, "", Some(url)))
            .map_err(|e| js_error("history.replaceState failed", e))
    }

    /// Navigates to `url` without keeping the current page in the history
    /// (`location.replace`, as the official SDK does), then never resolves: the page unloads.
    async fn navigate(w: &web_sys::Window, url: &str) -> Result<AuthData, Error> {
        w.location()
            .replace(url)
            .map_err(|e| js_error("location.replace failed", e))?;
        std::future::pending().await
    }

    /// Tokens in the browser's localStorage under `<prefix>_auth_data`, in the official
    /// JavaScript SDK's format (`{"accessToken": …, "tokenExpiryTime": …}`), so a page moving
    /// from that SDK keeps its login. Refresh tokens are not written there (script on the page
    /// could read them for as long as they live); an entry that is not a token (the JavaScript
    /// SDK's after a logout) reads as none. The default store on wasm32.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct LocalStorageTokenStore {
        _private: (),
    }

    impl LocalStorageTokenStore {
        /// The store.
        pub fn new() -> Self {
            Self::default()
        }

        /// Whether localStorage can be used (it throws in some private modes and sandboxed
        /// frames).
        pub fn available() -> bool {
            const PROBE: &str = "purecloud_local_storage_test";
            match Self::storage() {
                Ok(s) => s.set_item(PROBE, PROBE).is_ok() && s.remove_item(PROBE).is_ok(),
                Err(_) => false,
            }
        }

        fn storage() -> Result<web_sys::Storage, Error> {
            window()?
                .local_storage()
                .map_err(|e| js_error("localStorage is not available", e))?
                .ok_or_else(|| Error::new(ErrorKind::InvalidInput, "localStorage is not available"))
        }

        fn key(prefix: &str) -> Result<String, Error> {
            check_prefix(prefix)?;
            Ok(format!("{prefix}_auth_data"))
        }
    }

    impl TokenStore for LocalStorageTokenStore {
        fn load(&self, prefix: &str) -> Result<Option<StoredToken>, Error> {
            let key = Self::key(prefix)?;
            let text = Self::storage()?
                .get_item(&key)
                .map_err(|e| js_error("localStorage.getItem failed", e))?;
            Ok(text.and_then(|t| StoredToken::from_json(&t).ok()))
        }

        fn save(&self, prefix: &str, token: &StoredToken) -> Result<(), Error> {
            let key = Self::key(prefix)?;
            let mut t = token.clone();
            t.refresh_token = None;
            Self::storage()?
                .set_item(&key, &t.to_json())
                .map_err(|e| js_error("localStorage.setItem failed", e))
        }

        fn remove(&self, prefix: &str) -> Result<(), Error> {
            let key = Self::key(prefix)?;
            Self::storage()?
                .remove_item(&key)
                .map_err(|e| js_error("localStorage.removeItem failed", e))
        }
    }

    impl Client {
        fn storage_prefix(&self) -> String {
            self.persist_prefix()
                .unwrap_or_else(|| DEFAULT_PERSIST_PREFIX.to_owned())
        }

        /// Checks the token the client already has (from the builder, `set_access_token` or
        /// localStorage): `Ok(Some)` when it works, `Ok(None)` when there is none or it was
        /// refused (then it is forgotten), an error when the check itself failed.
        async fn check_existing_token(
            &self,
            state: Option<String>,
        ) -> Result<Option<AuthData>, Error> {
            if !self.has_access_token() {
                return Ok(None);
            }
            match self.validate_access_token().await {
                Ok(()) => Ok(self.current_auth_data(state)),
                Err(e) if e.is_status(401) => {
                    tracing::info!("the stored access token was refused: logging in again");
                    self.clear_access_token()?;
                    Ok(None)
                }
                Err(e) => Err(e),
            }
        }

        /// The sessionStorage key of the login this page started (`<prefix>_oauth_state`).
        fn login_state_key(&self) -> String {
            format!("{}_oauth_state", self.storage_prefix())
        }

        /// Starts a login: a fresh random state goes to sessionStorage with the app's state;
        /// `opts` with the random state instead of the app's, to send.
        fn start_login(&self, opts: &LoginOptions) -> Result<LoginOptions, Error> {
            let pending = PendingLogin::new(opts.state.as_deref())?;
            session_set(&self.login_state_key(), &pending.to_storage()).map_err(|e| {
                Error::new(
                    ErrorKind::InvalidInput,
                    format!(
                        "cannot keep the login's state in sessionStorage ({}): a login answer could not be checked",
                        e.message()
                    ),
                )
            })?;
            let mut sent = opts.clone();
            sent.state = Some(pending.nonce);
            Ok(sent)
        }

        /// The login this page started, taken from sessionStorage (it is used once).
        fn take_pending_login(&self) -> Option<PendingLogin> {
            session_take(&self.login_state_key()).and_then(|s| PendingLogin::from_storage(&s))
        }

        /// Starts an implicit-grant login without leaving the page (for a popup, an iframe or
        /// your own navigation): a new random `state` (`crypto.getRandomValues`) is kept in
        /// sessionStorage with `opts.state`, and the login page URL to open is returned (it
        /// carries the random state, not `opts.state`). Give the answer to
        /// [`finish_implicit_grant`](Self::finish_implicit_grant) in this tab.
        /// [`login_implicit_grant`](Self::login_implicit_grant) does both with full-page
        /// redirects. wasm32 only.
        pub fn start_implicit_grant(
            &self,
            client_id: &str,
            redirect_uri: &str,
            opts: &LoginOptions,
        ) -> Result<String, Error> {
            // Checks the arguments before anything is kept.
            self.implicit_grant_url(client_id, redirect_uri, opts)?;
            self.set_oauth_client_id(client_id);
            let sent = self.start_login(opts)?;
            self.implicit_grant_url(client_id, redirect_uri, &sent)
        }

        /// Finishes the login [`start_implicit_grant`](Self::start_implicit_grant) (or
        /// [`login_implicit_grant`](Self::login_implicit_grant)) started in this tab, with the
        /// login page's answer: a login error is an [`ErrorKind::Auth`] error; a token is used
        /// only when the answer's `state` is the random state kept in sessionStorage
        /// (otherwise: an [`ErrorKind::Auth`] error, the token not used — it is someone else's
        /// login, or a login this tab did not start), then checked with
        /// `GET /api/v2/tokens/me`. The [`AuthData`]'s `state` is the `opts.state` the login
        /// started with. The kept state is used once. wasm32 only.
        pub async fn finish_implicit_grant(
            &self,
            answer: &OAuthRedirect,
        ) -> Result<AuthData, Error> {
            let pending = self.take_pending_login();
            self.finish_implicit_answer(answer, pending).await
        }

        /// Logs in with the implicit grant, as the official SDK's `loginImplicitGrant`:
        ///
        /// 1. When the page's URL fragment holds the login page's answer
        ///    (`#access_token=…&expires_in=…&state=…`, or `#error=…&error_description=…`), it
        ///    is read and removed from the address bar (`history.replaceState`). A login error
        ///    becomes an [`ErrorKind::Auth`] error (`login failed: [error] description`). The
        ///    answer's `state` must be the random state this tab sent (kept in sessionStorage):
        ///    an answer without it or with another one is refused, whatever `opts` says (a
        ///    token planted in a link, a login CSRF). The token is installed (and saved in
        ///    localStorage when [`set_persist_settings`](Self::set_persist_settings) is on).
        /// 2. The token (that one, or one already set or loaded from localStorage) is checked
        ///    with `GET /api/v2/tokens/me`; the future resolves with the [`AuthData`]
        ///    (token, expiry, and as `state` the `opts.state` the login started with).
        /// 3. Without a working token, a new random state (`crypto.getRandomValues`) goes to
        ///    sessionStorage (`<prefix>_oauth_state`, with `opts.state`, which is not sent) and
        ///    the page (`location.replace`) to
        ///    `https://login.<env>/oauth/authorize?client_id&redirect_uri&response_type=token&state=<random>`
        ///    (plus the options): the future then never resolves, the page unloads, and the
        ///    login page sends the browser back to `redirect_uri` with the token, where calling
        ///    this again completes the login.
        ///
        /// A token fresh from the login page that is refused is an error, not another
        /// redirect (no loops). wasm32 only.
        pub async fn login_implicit_grant(
            &self,
            client_id: &str,
            redirect_uri: &str,
            opts: &LoginOptions,
        ) -> Result<AuthData, Error> {
            // Checks the arguments before anything happens.
            self.implicit_grant_url(client_id, redirect_uri, opts)?;
            self.set_oauth_client_id(client_id);
            let w = window()?;
            let hash = w.location().hash().unwrap_or_default();
            if let Some(answer) = OAuthRedirect::from_fragment(&hash) {
                let loc = w.location();
                let path = loc.pathname().unwrap_or_default();
                let search = loc.search().unwrap_or_default();
                replace_state(&w, &format!("{path}{search}"))?;
                return self.finish_implicit_grant(&answer).await;
            }
            if let Some(data) = self.check_existing_token(opts.state.clone()).await? {
                return Ok(data);
            }
            let url = self.start_implicit_grant(client_id, redirect_uri, opts)?;
            tracing::debug!("no working access token: redirecting to the login page");
            navigate(&w, &url).await
        }

        /// Starts a PKCE login without leaving the page, as
        /// [`start_implicit_grant`](Self::start_implicit_grant): a new code verifier (128
        /// characters, `crypto.getRandomValues`) and a new random `state` go to sessionStorage,
        /// and the login page URL (`response_type=code`, the `S256` challenge, the random
        /// state) is returned. The answer (`?code=…&state=…`) comes back to `redirect_uri`;
        /// give it to [`finish_pkce_grant_in_browser`](Self::finish_pkce_grant_in_browser) in
        /// this tab. wasm32 only.
        pub fn start_pkce_grant_in_browser(
            &self,
            client_id: &str,
            redirect_uri: &str,
            opts: &LoginOptions,
        ) -> Result<String, Error> {
            // Checks the arguments before anything is kept.
            self.implicit_grant_url(client_id, redirect_uri, opts)?;
            self.set_oauth_client_id(client_id);
            let verifier = crate::runtime::auth::generate_pkce_code_verifier(128)?;
            let prefix = self.storage_prefix();
            session_set(&format!("{prefix}_pkce_code_verifier"), &verifier)?;
            session_set(JS_SDK_VERIFIER_KEY, &verifier)?;
            let sent = self.start_login(opts)?;
            let challenge = crate::runtime::auth::compute_pkce_code_challenge(&verifier);
            self.pkce_grant_url(client_id, redirect_uri, &challenge, &sent)
        }

        /// Finishes the PKCE login started in this tab with the login page's answer: a login
        /// error is an [`ErrorKind::Auth`] error; a code is exchanged (with the code verifier
        /// kept in sessionStorage, `POST /oauth/token`, no secret) only when the answer's
        /// `state` is the random state kept for the login, as in
        /// [`finish_implicit_grant`](Self::finish_implicit_grant); the token is checked with
        /// `GET /api/v2/tokens/me`. The [`AuthData`]'s `state` is the `opts.state` the login
        /// started with. The verifier and the state are used once. wasm32 only.
        pub async fn finish_pkce_grant_in_browser(
            &self,
            client_id: &str,
            redirect_uri: &str,
            answer: &OAuthRedirect,
        ) -> Result<AuthData, Error> {
            let prefix = self.storage_prefix();
            let verifier = session_take(&format!("{prefix}_pkce_code_verifier"));
            let js_sdk_verifier = session_take(JS_SDK_VERIFIER_KEY);
            let pending = self.take_pending_login();
            self.finish_pkce_answer(
                client_id,
                redirect_uri,
                answer,
                pending,
                verifier.or(js_sdk_verifier),
            )
            .await
        }

        /// Logs in with PKCE in a browser, as the official SDK's `loginPKCEGrant`:
        ///
        /// 1. When the page's query holds the login page's answer (`?code=…&state=…` or
        ///    `?error=…`), it is removed from the address bar (other query parameters stay),
        ///    the `state` must be the random state this tab sent, as in
        ///    [`login_implicit_grant`](Self::login_implicit_grant), and the code is exchanged
        ///    for a token with the code verifier kept in sessionStorage (`POST /oauth/token`,
        ///    no secret; see [`login_pkce_grant`](Self::login_pkce_grant)). The refresh token
        ///    renews the access token automatically while the page lives.
        /// 2. Otherwise a token already set or persisted is checked with
        ///    `GET /api/v2/tokens/me`.
        /// 3. Without a working token: a new verifier (128 characters, `crypto.getRandomValues`)
        ///    goes to sessionStorage (`<prefix>_pkce_code_verifier` and the official SDK's
        ///    `genesys_cloud_sdk_pkce_code_verifier`) with a new random state
        ///    (`<prefix>_oauth_state`, with `opts.state`) and the page to
        ///    `https://login.<env>/oauth/authorize?…&response_type=code&code_challenge=…&code_challenge_method=S256&state=<random>`;
        ///    the future never resolves.
        ///
        /// wasm32 only.
        pub async fn login_pkce_grant_in_browser(
            &self,
            client_id: &str,
            redirect_uri: &str,
            opts: &LoginOptions,
        ) -> Result<AuthData, Error> {
            // Checks the arguments before anything happens.
            self.implicit_grant_url(client_id, redirect_uri, opts)?;
            self.set_oauth_client_id(client_id);
            let w = window()?;
            let loc = w.location();
            let search = loc.search().unwrap_or_default();
            if let Some(answer) = OAuthRedirect::from_query(&search) {
                let path = loc.pathname().unwrap_or_default();
                let hash = loc.hash().unwrap_or_default();
                replace_state(&w, &format!("{path}{}{hash}", strip_oauth_params(&search)))?;
                return self
                    .finish_pkce_grant_in_browser(client_id, redirect_uri, &answer)
                    .await;
            }
            if self
                .current_token()
                .is_some_and(|t| t.refresh_token.is_some())
            {
                // A custom store kept the refresh token: renew with it when refused.
                self.set_pkce_grant(client_id);
            }
            if let Some(data) = self.check_existing_token(opts.state.clone()).await? {
                return Ok(data);
            }
            let url = self.start_pkce_grant_in_browser(client_id, redirect_uri, opts)?;
            tracing::debug!("no working access token: redirecting to the login page (PKCE)");
            navigate(&w, &url).await
        }

        /// Logs out, as the official SDK's `logout`: forgets the token (and removes it from
        /// localStorage), then sends the page to `https://login.<env>/logout?client_id=…`
        /// (the client id of the last browser login) `&redirect_uri=…` when given, which ends
        /// the login service's session. To forget the token without leaving the page, use
        /// [`clear_access_token`](Self::clear_access_token). wasm32 only.
        pub fn logout(&self, logout_redirect_uri: Option<&str>) -> Result<(), Error> {
            self.clear_access_token()?;
            let prefix = self.storage_prefix();
            session_remove(&format!("{prefix}_oauth_state"));
            session_remove(&format!("{prefix}_pkce_code_verifier"));
            let url = self.logout_url(self.oauth_client_id().as_deref(), logout_redirect_uri);
            window()?
                .location()
                .replace(&url)
                .map_err(|e| js_error("location.replace failed", e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::store::MemoryTokenStore;
    use std::sync::Arc;

    fn client() -> Client {
        Client::builder()
            .no_config_file()
            .token_store(Arc::new(MemoryTokenStore::new()))
            .environment("mypurecloud.ie")
            .unwrap()
            .build()
            .unwrap()
    }

    #[test]
    fn implicit_grant_url_as_the_official_sdk() {
        let c = client();
        assert_eq!(
            c.implicit_grant_url("cid", "https://app.example/cb", &LoginOptions::new())
                .unwrap(),
            "https://login.mypurecloud.ie/oauth/authorize?client_id=cid&redirect_uri=https://app.example/cb&response_type=token"
        );
        let opts = LoginOptions::new()
            .state("a b&c")
            .org_provider("my org", "okta")
            .target("org-id")
            .login_hint("ada@example.com")
            .prompt_login();
        assert_eq!(
            c.implicit_grant_url("cid", "https://app.example/cb?x=1", &opts).unwrap(),
            "https://login.mypurecloud.ie/oauth/authorize?client_id=cid&redirect_uri=https://app.example/cb?x%3D1&response_type=token&state=a%20b%26c&org=my%20org&provider=okta&target=org-id&login_hint=ada@example.com&prompt=login"
        );
        let mut only_org = LoginOptions::new();
        only_org.org = Some("o".into());
        assert!(c
            .implicit_grant_url("cid", "https://a/", &only_org)
            .unwrap_err()
            .message()
            .contains("provider must be set"));
        let mut only_provider = LoginOptions::new();
        only_provider.provider = Some("okta".into());
        assert!(c
            .implicit_grant_url("cid", "https://a/", &only_provider)
            .is_err());
        assert!(c
            .implicit_grant_url("", "https://a/", &LoginOptions::new())
            .is_err());
        assert!(c
            .implicit_grant_url("cid", " ", &LoginOptions::new())
            .is_err());
    }

    #[test]
    fn pkce_and_logout_urls() {
        let c = client();
        assert_eq!(
            c.pkce_grant_url("cid", "http://localhost:8080/", "CH", &LoginOptions::new().state("s"))
                .unwrap(),
            "https://login.mypurecloud.ie/oauth/authorize?client_id=cid&redirect_uri=http://localhost:8080/&response_type=code&code_challenge=CH&code_challenge_method=S256&state=s"
        );
        assert_eq!(
            c.logout_url(None, None),
            "https://login.mypurecloud.ie/logout"
        );
        assert_eq!(
            c.logout_url(Some("cid"), Some("https://app.example/bye")),
            "https://login.mypurecloud.ie/logout?client_id=cid&redirect_uri=https://app.example/bye"
        );
    }

    #[test]
    fn fragments_queries_and_urls() {
        let t = OAuthRedirect::from_fragment(
            "#access_token=abc-DEF_1.2%7E&expires_in=86399&token_type=bearer&state=a+b%26c",
        )
        .unwrap();
        assert_eq!(
            t,
            OAuthRedirect::Token {
                access_token: "abc-DEF_1.2~".into(),
                expires_in: Some(86399),
                state: Some("a b&c".into()),
            }
        );
        assert!(!format!("{t:?}").contains("abc"), "Debug hides the token");
        let e = OAuthRedirect::from_fragment(
            "error=access_denied&error_description=The+user+said+no&state=s",
        )
        .unwrap();
        assert_eq!(e.state(), Some("s"));
        let err = e.error().unwrap();
        assert_eq!(err.kind(), ErrorKind::Auth);
        assert_eq!(
            err.message(),
            "login failed: [access_denied] The user said no"
        );
        assert_eq!(OAuthRedirect::from_fragment("#/inbox"), None);
        assert_eq!(OAuthRedirect::from_fragment(""), None);
        assert_eq!(OAuthRedirect::from_fragment("#access_token="), None);
        assert_eq!(
            OAuthRedirect::from_fragment("#wbg_style=display-none"),
            None
        );
        // Malformed escapes are kept; a lifetime that is not a number is unknown.
        assert_eq!(
            OAuthRedirect::from_fragment("access_token=a%zz%4&expires_in=soon"),
            Some(OAuthRedirect::Token {
                access_token: "a%zz%4".into(),
                expires_in: None,
                state: None
            })
        );
        assert_eq!(
            OAuthRedirect::from_query("?code=C1&state=s"),
            Some(OAuthRedirect::Code {
                code: "C1".into(),
                state: Some("s".into())
            })
        );
        assert_eq!(OAuthRedirect::from_query("?page=2"), None);
        assert!(matches!(
            OAuthRedirect::from_query("error=invalid_request"),
            Some(OAuthRedirect::Error { .. })
        ));
        assert!(matches!(
            OAuthRedirect::from_url("http://x/cb?a=1#access_token=T&state=s"),
            Some(OAuthRedirect::Token { .. })
        ));
        assert!(matches!(
            OAuthRedirect::from_url("http://x/cb?code=C#/route"),
            Some(OAuthRedirect::Code { .. })
        ));
        assert_eq!(OAuthRedirect::from_url("http://x/cb"), None);
    }

    #[test]
    fn oauth_params_are_stripped_from_queries() {
        assert_eq!(strip_oauth_params("?code=C&state=s"), "");
        assert_eq!(
            strip_oauth_params("?sim=http%3A%2F%2Fh&code=C&state=s&flow=pkce"),
            "?sim=http%3A%2F%2Fh&flow=pkce"
        );
        assert_eq!(strip_oauth_params("?error=x&error_description=y"), "");
        assert_eq!(strip_oauth_params(""), "");
    }

    #[test]
    fn generated_states_are_random_and_url_safe() {
        let a = OAuthRedirect::generate_state().unwrap();
        let b = OAuthRedirect::generate_state().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(a
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        let p = PendingLogin::new(Some("/inbox?x=1")).unwrap();
        assert_eq!(p.nonce.len(), 43);
        assert_ne!(p.nonce, PendingLogin::new(None).unwrap().nonce);
        assert_eq!(PendingLogin::new(Some("")).unwrap().app_state, None);
    }

    #[test]
    fn the_answer_must_carry_the_state_of_the_login_this_page_started() {
        let p = PendingLogin::new(Some("/return/path")).unwrap();
        let stored = p.to_storage();
        assert!(stored.contains("/return/path"));
        let back = PendingLogin::from_storage(&stored).unwrap();
        assert!(back == p);
        let none = PendingLogin::new(None).unwrap();
        assert!(PendingLogin::from_storage(&none.to_storage()).unwrap() == none);
        // What an older SDK kept (the app's state itself), garbage, short nonces: no login.
        for bad in [
            "/return/path",
            "",
            "{}",
            r#"{"nonce":"short"}"#,
            r#"{"nonce":12}"#,
            r#"{"nonce":"0123456789012345678901234","appState":1}"#,
        ] {
            assert!(PendingLogin::from_storage(bad).is_none(), "{bad}");
        }

        assert_eq!(
            PendingLogin::verify(Some(p.clone()), Some(&p.nonce)).unwrap(),
            Some("/return/path".to_owned())
        );
        assert_eq!(
            PendingLogin::verify(Some(none.clone()), Some(&none.nonce)).unwrap(),
            None
        );
        let refused = [
            // No login started here: the answer is someone else's (login CSRF), with or
            // without a state, even one equal to the app's own value.
            (None, None),
            (None, Some("/return/path")),
            (None, Some(p.nonce.as_str())),
            // A login started: the answer must carry its random state, not the app's.
            (Some(p.clone()), None),
            (Some(p.clone()), Some("")),
            (Some(p.clone()), Some("/return/path")),
            (Some(p.clone()), Some(&p.nonce[..42])),
            (Some(p.clone()), Some(none.nonce.as_str())),
        ];
        for (pending, answer) in refused {
            let e = PendingLogin::verify(pending, answer).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Auth);
            assert!(e.message().contains("state"), "{}", e.message());
        }
        assert!(same_state("abc", "abc"));
        assert!(!same_state("abc", "abd") && !same_state("abc", "ab") && !same_state("", "a"));
    }

    /// The attack of issue 12: `#access_token=ATTACKER-TOKEN` (a valid token of the attacker's
    /// account) was accepted when the app gave no state. It is refused unless it carries the
    /// state of the login this page started; a login's answer with that state goes through
    /// and hands the app its own state back.
    #[tokio::test]
    async fn a_token_answer_without_this_logins_state_is_refused() {
        use purecloud_simulator::{
            Simulator, SimulatorConfig, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET,
        };
        let sim = Simulator::start(SimulatorConfig::default()).await.unwrap();
        let client = || {
            Client::builder()
                .base_url(sim.base_url())
                .no_config_file()
                .token_store(Arc::new(MemoryTokenStore::new()))
                .build()
                .unwrap()
        };
        let attacker = client();
        let token = attacker
            .login_client_credentials_grant(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
            .await
            .unwrap()
            .access_token()
            .to_owned();
        let victim = client();
        victim.validate_access_token().await.unwrap_err();
        let planted = |extra: &str| {
            OAuthRedirect::from_fragment(&format!(
                "#access_token={token}&expires_in=86399&token_type=bearer{extra}"
            ))
            .unwrap()
        };
        let p = PendingLogin::new(Some("/return/path")).unwrap();
        for (answer, pending) in [
            (planted(""), None),
            (planted("&state=%2Freturn%2Fpath"), None),
            (planted(""), Some(p.clone())),
            (planted("&state=guess"), Some(p.clone())),
            (planted("&state=%2Freturn%2Fpath"), Some(p.clone())),
        ] {
            let e = victim
                .finish_implicit_answer(&answer, pending)
                .await
                .unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Auth);
            assert!(e.message().contains("state"), "{}", e.message());
            assert!(!e.message().contains(&token));
            assert!(
                !victim.has_access_token(),
                "the planted token was installed"
            );
        }
        // The building block: the state is required.
        let e = victim
            .complete_implicit_grant(&planted(""), "")
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        let e = victim
            .complete_implicit_grant(&planted(""), "expected-state")
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Auth);
        let e = victim
            .complete_implicit_grant(&planted("&state=other"), "expected-state")
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Auth);
        assert!(!victim.has_access_token());
        // A code answer to a PKCE login without this login's state: not exchanged.
        let code = OAuthRedirect::from_query("?code=ATTACKER-CODE").unwrap();
        let e = victim
            .finish_pkce_answer(
                DEFAULT_CLIENT_ID,
                "http://localhost:8080/callback",
                &code,
                None,
                Some("v".repeat(64)),
            )
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Auth);
        assert!(e.message().contains("state"), "{}", e.message());
        assert!(!victim.has_access_token());

        // This page's login: used, with the app's state handed back.
        let answer = planted(&format!("&state={}", p.nonce));
        let data = victim
            .finish_implicit_answer(&answer, Some(p.clone()))
            .await
            .unwrap();
        assert_eq!(data.state(), Some("/return/path"));
        assert!(victim.has_access_token());
        victim.validate_access_token().await.unwrap();
        let data = client()
            .complete_implicit_grant(&planted("&state=expected-state"), "expected-state")
            .await
            .unwrap();
        assert_eq!(data.state(), Some("expected-state"));
        // A login error is reported whatever its state.
        let e = victim
            .finish_implicit_answer(
                &OAuthRedirect::from_fragment("error=access_denied").unwrap(),
                None,
            )
            .await
            .unwrap_err();
        assert!(e.message().contains("[access_denied]"), "{}", e.message());
    }

    #[test]
    fn form_decoding() {
        assert_eq!(form_decode("a+b%20c%2B%25"), "a b c+%");
        assert_eq!(form_decode("%"), "%");
        assert_eq!(form_decode("%4"), "%4");
        assert_eq!(form_decode("%C3%A9"), "é");
        assert_eq!(form_decode("%FF"), "\u{fffd}");
    }
}
