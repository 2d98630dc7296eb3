//! The login service: `/oauth/token`, `/oauth/authorize`, `/logout`, and the token store.

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use hyper::HeaderMap;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::config::{OAuthClient, SimUser, SimulatorConfig};
use crate::reply::Reply;
use crate::util::{html_escape, parse_form, percent_decode, percent_encode, random_token};

/// How a token was obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grant {
    ClientCredentials,
    AuthorizationCode,
    Pkce,
    Implicit,
    RefreshToken,
    Saml2Bearer,
    Password,
    /// Minted by [`crate::Simulator::issue_token`] or `POST /__sim/tokens`.
    Test,
}

impl Grant {
    /// The `authorizedGrantType` reported in token info.
    pub fn authorized_grant_type(self) -> &'static str {
        match self {
            Grant::ClientCredentials | Grant::Test => "CLIENT-CREDENTIALS",
            Grant::AuthorizationCode | Grant::Pkce | Grant::RefreshToken => "CODE",
            Grant::Implicit => "TOKEN",
            Grant::Saml2Bearer => "SAML2-BEARER",
            Grant::Password => "PASSWORD",
        }
    }
}

/// An issued access token.
#[derive(Clone, Debug)]
pub struct TokenRecord {
    pub client_id: String,
    pub user_id: Option<String>,
    pub grant: Grant,
    pub expires_at_ms: i64,
    pub expires_at: Instant,
}

#[derive(Clone, Debug)]
struct CodeRecord {
    client_id: String,
    redirect_uri: String,
    user_id: String,
    challenge: Option<String>,
    expires_at: Instant,
}

#[derive(Clone, Debug)]
struct RefreshRecord {
    client_id: String,
    user_id: String,
    public: bool,
}

/// Result of looking a bearer token up.
#[derive(Clone, Debug)]
pub enum TokenLookup {
    Valid(TokenRecord),
    Expired,
    Unknown,
}

/// Tokens, authorization codes and refresh tokens.
#[derive(Debug, Default)]
pub struct AuthStore {
    tokens: HashMap<String, TokenRecord>,
    codes: HashMap<String, CodeRecord>,
    refresh: HashMap<String, RefreshRecord>,
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl AuthStore {
    pub fn issue(
        &mut self,
        client_id: &str,
        user_id: Option<&str>,
        grant: Grant,
        lifetime: Duration,
    ) -> (String, TokenRecord) {
        if self.tokens.len() > 50_000 {
            let now = Instant::now();
            self.tokens.retain(|_, t| t.expires_at > now);
        }
        let token = random_token();
        let issued = now_ms();
        let rec = TokenRecord {
            client_id: client_id.to_string(),
            user_id: user_id.map(str::to_string),
            grant,
            expires_at_ms: issued + lifetime.as_millis() as i64,
            expires_at: Instant::now() + lifetime,
        };
        self.tokens.insert(token.clone(), rec.clone());
        (token, rec)
    }

    pub fn lookup(&self, token: &str) -> TokenLookup {
        match self.tokens.get(token) {
            Some(t) if t.expires_at > Instant::now() => TokenLookup::Valid(t.clone()),
            Some(_) => TokenLookup::Expired,
            None => TokenLookup::Unknown,
        }
    }

    pub fn revoke(&mut self, token: &str) -> bool {
        self.tokens.remove(token).is_some()
    }

    /// Revokes every token of a user; returns how many.
    pub fn revoke_user(&mut self, user_id: &str) -> usize {
        let before = self.tokens.len();
        self.tokens
            .retain(|_, t| t.user_id.as_deref() != Some(user_id));
        before - self.tokens.len()
    }
}

/// PKCE S256: BASE64URL-NOPAD(SHA256(verifier)).
pub fn pkce_challenge(verifier: &str) -> String {
    let digest = Sha256::digest(verifier.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
}

fn oauth_error(status: u16, error: &str, description: &str) -> Reply {
    Reply::json(
        status,
        &json!({"error": error, "description": description, "error_description": description}),
    )
    .header("cache-control", "no-store")
}

/// Client credentials from HTTP Basic (`client_id:secret`, each possibly form-encoded).
fn basic_credentials(headers: &HeaderMap) -> Option<Result<(String, String), ()>> {
    let v = headers.get("authorization")?.to_str().ok()?;
    let (scheme, rest) = v.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(rest.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok());
    Some(match decoded.as_deref().and_then(|d| d.split_once(':')) {
        Some((id, secret)) => Ok((
            percent_decode(id, true).unwrap_or_else(|_| id.to_string()),
            percent_decode(secret, true).unwrap_or_else(|_| secret.to_string()),
        )),
        None => Err(()),
    })
}

/// Looks a user up by id, username or email (case-insensitive for the latter two).
pub fn find_user<'a>(users: &'a [SimUser], hint: &str) -> Option<&'a SimUser> {
    users.iter().find(|u| {
        u.id == hint || u.username.eq_ignore_ascii_case(hint) || u.email.eq_ignore_ascii_case(hint)
    })
}

fn decode_assertion(a: &str) -> Option<Vec<u8>> {
    let cleaned: String = a.chars().filter(|c| !c.is_whitespace()).collect();
    let e = &base64::engine::general_purpose::STANDARD;
    let u = &base64::engine::general_purpose::URL_SAFE;
    let un = &base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let sn = &base64::engine::general_purpose::STANDARD_NO_PAD;
    e.decode(&cleaned)
        .or_else(|_| sn.decode(&cleaned))
        .or_else(|_| u.decode(&cleaned))
        .or_else(|_| un.decode(&cleaned))
        .ok()
        .filter(|b| !b.is_empty())
}

fn token_response(token: &str, lifetime: Duration, refresh: Option<&str>) -> Reply {
    let mut v = json!({
        "access_token": token,
        "token_type": "bearer",
        "expires_in": lifetime.as_secs(),
    });
    if let Some(r) = refresh {
        v["refresh_token"] = json!(r);
    }
    Reply::json(200, &v)
        .header("cache-control", "no-store")
        .header("pragma", "no-cache")
}

/// `POST /oauth/token`.
pub fn token_endpoint(
    config: &SimulatorConfig,
    store: &mut AuthStore,
    headers: &HeaderMap,
    body: &[u8],
) -> Reply {
    let Ok(text) = std::str::from_utf8(body) else {
        return oauth_error(
            400,
            "invalid_request",
            "The request body is not valid UTF-8.",
        );
    };
    let form = match parse_form(text) {
        Ok(f) => f,
        Err(e) => return oauth_error(400, "invalid_request", &e),
    };
    let param = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    let Some(grant_type) = param("grant_type") else {
        return oauth_error(400, "invalid_request", "Missing grant_type.");
    };

    // Confidential client authentication: HTTP Basic, or client_id + client_secret in the form.
    let creds = match basic_credentials(headers) {
        Some(Ok(c)) => Some(c),
        Some(Err(())) => {
            return oauth_error(401, "invalid_client", "Malformed HTTP Basic credentials.");
        }
        None => match (param("client_id"), param("client_secret")) {
            (Some(id), Some(secret)) => Some((id.to_string(), secret.to_string())),
            _ => None,
        },
    };
    let authenticated: Option<&OAuthClient> = match &creds {
        Some((id, secret)) => {
            match config
                .clients
                .iter()
                .find(|c| &c.client_id == id && &c.client_secret == secret)
            {
                Some(c) => Some(c),
                None => {
                    return oauth_error(401, "invalid_client", "Client authentication failed.");
                }
            }
        }
        None => None,
    };
    let lifetime = config.token_lifetime;

    match grant_type {
        "client_credentials" => {
            let Some(client) = authenticated else {
                return oauth_error(401, "invalid_client", "Client authentication is required.");
            };
            if !client.allows("client_credentials") {
                return oauth_error(
                    400,
                    "unauthorized_client",
                    "The client may not use this grant type.",
                );
            }
            let (token, _) =
                store.issue(&client.client_id, None, Grant::ClientCredentials, lifetime);
            token_response(&token, lifetime, None)
        }
        "authorization_code" => {
            let Some(code) = param("code") else {
                return oauth_error(400, "invalid_request", "Missing code.");
            };
            let verifier = param("code_verifier");
            let public_client = if authenticated.is_none() {
                let Some(id) = param("client_id") else {
                    return oauth_error(
                        401,
                        "invalid_client",
                        "Client authentication is required.",
                    );
                };
                let Some(c) = config.clients.iter().find(|c| c.client_id == id) else {
                    return oauth_error(401, "invalid_client", "Unknown client.");
                };
                if verifier.is_none() {
                    return oauth_error(
                        401,
                        "invalid_client",
                        "Client authentication is required (or a PKCE code_verifier).",
                    );
                }
                Some(c)
            } else {
                None
            };
            let client = authenticated.or(public_client).expect("one is set");
            let grant_name = if public_client.is_some() {
                "pkce"
            } else {
                "authorization_code"
            };
            if !client.allows(grant_name) && !client.allows("authorization_code") {
                return oauth_error(
                    400,
                    "unauthorized_client",
                    "The client may not use this grant type.",
                );
            }
            // Codes are single use: remove it whatever happens next.
            let Some(rec) = store.codes.remove(code) else {
                return oauth_error(
                    400,
                    "invalid_grant",
                    "The authorization code is invalid or was already used.",
                );
            };
            if rec.expires_at < Instant::now() {
                return oauth_error(400, "invalid_grant", "The authorization code has expired.");
            }
            if rec.client_id != client.client_id {
                return oauth_error(
                    400,
                    "invalid_grant",
                    "The authorization code was issued to another client.",
                );
            }
            if let Some(uri) = param("redirect_uri") {
                if uri != rec.redirect_uri {
                    return oauth_error(
                        400,
                        "invalid_grant",
                        "redirect_uri does not match the authorization request.",
                    );
                }
            }
            match (&rec.challenge, verifier) {
                (Some(challenge), Some(v)) if &pkce_challenge(v) != challenge => {
                    return oauth_error(
                        400,
                        "invalid_grant",
                        "PKCE verification failed: code_verifier does not match code_challenge.",
                    );
                }
                (Some(_), None) => {
                    return oauth_error(
                        400,
                        "invalid_grant",
                        "code_verifier is required for this authorization code.",
                    );
                }
                (None, Some(_)) if public_client.is_some() => {
                    return oauth_error(
                        400,
                        "invalid_grant",
                        "The authorization request had no code_challenge.",
                    );
                }
                _ => {}
            }
            let grant = if rec.challenge.is_some() {
                Grant::Pkce
            } else {
                Grant::AuthorizationCode
            };
            let (token, _) = store.issue(&client.client_id, Some(&rec.user_id), grant, lifetime);
            let refresh = random_token();
            store.refresh.insert(
                refresh.clone(),
                RefreshRecord {
                    client_id: client.client_id.clone(),
                    user_id: rec.user_id,
                    public: public_client.is_some(),
                },
            );
            token_response(&token, lifetime, Some(&refresh))
        }
        "refresh_token" => {
            let Some(rt) = param("refresh_token") else {
                return oauth_error(400, "invalid_request", "Missing refresh_token.");
            };
            let client_id = match (authenticated, param("client_id")) {
                (Some(c), _) => c.client_id.clone(),
                (None, Some(id)) => id.to_string(),
                (None, None) => {
                    return oauth_error(
                        401,
                        "invalid_client",
                        "Client authentication is required.",
                    );
                }
            };
            let Some(rec) = store.refresh.get(rt).cloned() else {
                return oauth_error(
                    400,
                    "invalid_grant",
                    "The refresh token is invalid or expired.",
                );
            };
            if rec.client_id != client_id || (authenticated.is_none() && !rec.public) {
                return oauth_error(
                    400,
                    "invalid_grant",
                    "The refresh token was issued to another client.",
                );
            }
            store.refresh.remove(rt);
            let (token, _) = store.issue(
                &client_id,
                Some(&rec.user_id),
                Grant::RefreshToken,
                lifetime,
            );
            let refresh = random_token();
            store.refresh.insert(refresh.clone(), rec);
            token_response(&token, lifetime, Some(&refresh))
        }
        "urn:ietf:params:oauth:grant-type:saml2-bearer" => {
            let Some(client) = authenticated else {
                return oauth_error(401, "invalid_client", "Client authentication is required.");
            };
            if !client.allows("saml2-bearer") {
                return oauth_error(
                    400,
                    "unauthorized_client",
                    "The client may not use this grant type.",
                );
            }
            if param("orgName").is_none() {
                return oauth_error(400, "invalid_request", "Missing orgName.");
            }
            let Some(assertion) = param("assertion") else {
                return oauth_error(400, "invalid_request", "Missing assertion.");
            };
            let Some(decoded) = decode_assertion(assertion) else {
                return oauth_error(
                    400,
                    "invalid_grant",
                    "The SAML assertion is not valid base64.",
                );
            };
            let text = String::from_utf8_lossy(&decoded).to_ascii_lowercase();
            let user = config
                .users
                .iter()
                .find(|u| {
                    text.contains(&u.email.to_ascii_lowercase())
                        || text.contains(&u.username.to_ascii_lowercase())
                })
                .unwrap_or(&config.users[0]);
            let (token, _) = store.issue(
                &client.client_id,
                Some(&user.id),
                Grant::Saml2Bearer,
                lifetime,
            );
            token_response(&token, lifetime, None)
        }
        "password" => {
            let Some(client) = authenticated else {
                return oauth_error(401, "invalid_client", "Client authentication is required.");
            };
            let (Some(username), Some(password)) = (param("username"), param("password")) else {
                return oauth_error(400, "invalid_request", "Missing username or password.");
            };
            match config
                .users
                .iter()
                .find(|u| u.username.eq_ignore_ascii_case(username) && u.password == password)
            {
                Some(u) => {
                    let (token, _) =
                        store.issue(&client.client_id, Some(&u.id), Grant::Password, lifetime);
                    token_response(&token, lifetime, None)
                }
                None => oauth_error(400, "invalid_grant", "Invalid username or password."),
            }
        }
        other => oauth_error(
            400,
            "unsupported_grant_type",
            &format!("Unsupported grant_type '{other}'."),
        ),
    }
}

fn error_page(status: u16, title: &str, detail: &str) -> Reply {
    Reply::html(
        status,
        format!(
            "<!DOCTYPE html><html><head><title>{t}</title></head><body><h1>{t}</h1><p>{d}</p></body></html>",
            t = html_escape(title),
            d = html_escape(detail)
        ),
    )
}

fn append_params(base: &str, sep: char, params: &[(&str, &str)]) -> String {
    let mut out = base.to_string();
    let mut first = true;
    for (k, v) in params {
        if first {
            let has = if sep == '?' {
                base.contains('?')
            } else {
                base.contains('#')
            };
            out.push(if has { '&' } else { sep });
            first = false;
        } else {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(&percent_encode(v));
    }
    out
}

/// `GET /oauth/authorize`: logs in the default user (or `login_hint`) without a form.
pub fn authorize_endpoint(config: &SimulatorConfig, store: &mut AuthStore, query: &str) -> Reply {
    let form = match parse_form(query) {
        Ok(f) => f,
        Err(e) => return error_page(400, "Bad request", &e),
    };
    let param = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    let Some(client_id) = param("client_id") else {
        return error_page(
            400,
            "Invalid client",
            "The client_id parameter is required.",
        );
    };
    let Some(client) = config.clients.iter().find(|c| c.client_id == client_id) else {
        return error_page(
            400,
            "Invalid client",
            &format!("Unknown client_id '{client_id}'."),
        );
    };
    let redirect_uri = match param("redirect_uri") {
        Some(r) => {
            if !client.redirect_uris.iter().any(|u| u == r) {
                return error_page(
                    400,
                    "Invalid redirect URI",
                    &format!("The redirect_uri '{r}' is not registered for client '{client_id}'."),
                );
            }
            r.to_string()
        }
        None if client.redirect_uris.len() == 1 => client.redirect_uris[0].clone(),
        None => {
            return error_page(
                400,
                "Invalid redirect URI",
                "The redirect_uri parameter is required.",
            );
        }
    };
    let state = param("state");
    let user = param("login_hint")
        .and_then(|h| find_user(&config.users, h))
        .unwrap_or(&config.users[0]);
    let with_state = |mut p: Vec<(&'static str, String)>| {
        if let Some(s) = state {
            p.push(("state", s.to_string()));
        }
        p
    };
    let redirect_error = |sep: char, error: &str, desc: &str| {
        let p = with_state(vec![
            ("error", error.to_string()),
            ("error_description", desc.to_string()),
        ]);
        let refs: Vec<(&str, &str)> = p.iter().map(|(k, v)| (*k, v.as_str())).collect();
        Reply::redirect(append_params(&redirect_uri, sep, &refs))
    };
    match param("response_type") {
        Some("token") => {
            if !client.allows("implicit") {
                return redirect_error(
                    '#',
                    "unauthorized_client",
                    "The client may not use the implicit grant.",
                );
            }
            let lifetime = config.token_lifetime;
            let (token, _) =
                store.issue(&client.client_id, Some(&user.id), Grant::Implicit, lifetime);
            let p = with_state(vec![
                ("access_token", token),
                ("expires_in", lifetime.as_secs().to_string()),
                ("token_type", "bearer".to_string()),
            ]);
            let refs: Vec<(&str, &str)> = p.iter().map(|(k, v)| (*k, v.as_str())).collect();
            Reply::redirect(append_params(&redirect_uri, '#', &refs))
        }
        Some("code") => {
            let challenge = param("code_challenge");
            if challenge.is_some() {
                match param("code_challenge_method") {
                    Some("S256") => {}
                    Some(m) => {
                        return redirect_error(
                            '?',
                            "invalid_request",
                            &format!("Unsupported code_challenge_method '{m}'; use S256."),
                        );
                    }
                    None => {
                        return redirect_error(
                            '?',
                            "invalid_request",
                            "code_challenge_method=S256 is required.",
                        );
                    }
                }
            }
            let code = random_token();
            store.codes.insert(
                code.clone(),
                CodeRecord {
                    client_id: client.client_id.clone(),
                    redirect_uri: redirect_uri.clone(),
                    user_id: user.id.clone(),
                    challenge: challenge.map(str::to_string),
                    expires_at: Instant::now() + Duration::from_secs(300),
                },
            );
            let p = with_state(vec![("code", code)]);
            let refs: Vec<(&str, &str)> = p.iter().map(|(k, v)| (*k, v.as_str())).collect();
            Reply::redirect(append_params(&redirect_uri, '?', &refs))
        }
        Some(other) => redirect_error(
            '?',
            "unsupported_response_type",
            &format!("Unsupported response_type '{other}'."),
        ),
        None => redirect_error(
            '?',
            "invalid_request",
            "The response_type parameter is required.",
        ),
    }
}

/// `GET /logout`: a simple page, or a redirect to `redirect_uri` when given.
pub fn logout(query: &str) -> Reply {
    let form = parse_form(query).unwrap_or_default();
    if let Some((_, uri)) = form
        .iter()
        .find(|(k, _)| k == "redirect_uri" || k == "redirecturi")
    {
        if uri.starts_with("http://") || uri.starts_with("https://") {
            return Reply::redirect(uri.clone());
        }
    }
    Reply::html(
        200,
        "<!DOCTYPE html><html><head><title>Logged out</title></head><body><h1>You have been logged out.</h1></body></html>"
            .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_rfc7636_example() {
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn params_appended() {
        assert_eq!(
            append_params("http://x/cb", '?', &[("code", "a b"), ("state", "s")]),
            "http://x/cb?code=a%20b&state=s"
        );
        assert_eq!(
            append_params("http://x/cb?y=1", '?', &[("code", "c")]),
            "http://x/cb?y=1&code=c"
        );
        assert_eq!(
            append_params("http://x/cb", '#', &[("access_token", "t")]),
            "http://x/cb#access_token=t"
        );
    }
}
