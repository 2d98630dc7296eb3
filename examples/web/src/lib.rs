//! The example page: logs in (implicit grant on index.html, PKCE on pkce.html) against the
//! configured environment or simulator (`config.js`), shows the user with presence, and logs
//! out. Everything the SDK does in a browser in ~100 lines.

use purecloud_platform_client_v2::api::UsersApi;
use purecloud_platform_client_v2::{Client, Error, LoginOptions};
use wasm_bindgen::prelude::*;

/// `window.PURECLOUD_CONFIG` (config.js): `baseUrl` (the simulator) or `environment`
/// (`mypurecloud.ie`, ...), `clientId`, and optionally `redirectUri`.
struct Config {
    base_url: Option<String>,
    environment: Option<String>,
    client_id: String,
    redirect_uri: Option<String>,
}

fn config() -> Config {
    let cfg = js_sys::Reflect::get(&js_sys::global(), &"PURECLOUD_CONFIG".into())
        .unwrap_or(JsValue::UNDEFINED);
    let get = |k: &str| {
        js_sys::Reflect::get(&cfg, &k.into())
            .ok()
            .and_then(|v| v.as_string())
            .filter(|s| !s.is_empty())
    };
    Config {
        base_url: get("baseUrl"),
        environment: get("environment"),
        client_id: get("clientId").unwrap_or_else(|| "sim-client-id".into()),
        redirect_uri: get("redirectUri"),
    }
}

fn element(id: &str) -> Option<web_sys::Element> {
    web_sys::window()?.document()?.get_element_by_id(id)
}

fn show(id: &str, text: &str) {
    if let Some(e) = element(id) {
        e.set_text_content(Some(text));
    }
}

fn status(state: &str, text: &str) {
    show("status", text);
    if let Some(e) = element("status") {
        let _ = e.set_attribute("data-state", state);
    }
}

async fn run() -> Result<(), Error> {
    let cfg = config();
    let window = web_sys::window().expect("a page");
    let location = window.location();
    let here = format!(
        "{}{}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default()
    );
    let pkce = location
        .pathname()
        .unwrap_or_default()
        .ends_with("/pkce.html");
    let mut builder = Client::builder();
    if let Some(env) = &cfg.environment {
        builder = builder.environment(env)?;
    }
    if let Some(url) = &cfg.base_url {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;
    // Keep the token in localStorage (`purecloud_auth_data`): no login page on the next load.
    client.set_persist_settings(true, None)?;

    let hash = location.hash().unwrap_or_default();
    let search = location.search().unwrap_or_default();
    let source = if hash.contains("access_token=") || hash.contains("error=") {
        "the login page (implicit grant)"
    } else if search.contains("code=") || search.contains("error=") {
        "the login page (PKCE)"
    } else if client.has_access_token() {
        "localStorage"
    } else {
        "none yet: going to the login page"
    };
    show("source", source);

    let redirect_uri = cfg.redirect_uri.clone().unwrap_or(here);
    let opts = LoginOptions::new().state("example-state");
    let auth = if pkce {
        client
            .login_pkce_grant_in_browser(&cfg.client_id, &redirect_uri, &opts)
            .await?
    } else {
        client
            .login_implicit_grant(&cfg.client_id, &redirect_uri, &opts)
            .await?
    };
    status("working", "Logged in; getting the user...");
    if let Some(at) = auth.token_expiry_time_ms() {
        let when = js_sys::Date::new(&JsValue::from_f64(at as f64));
        show("expires", &String::from(when.to_iso_string()));
    }

    let me = UsersApi::new(&client)
        .get_users_me()
        .set_expand(["presence"])
        .send()
        .await?;
    show("name", me.name.as_deref().unwrap_or("?"));
    show("email", me.email.as_deref().unwrap_or("?"));
    let presence = me
        .presence
        .and_then(|p| p.presence_definition)
        .and_then(|d| d.system_presence)
        .unwrap_or_else(|| "?".into());
    show("presence", &presence);
    status(
        "ok",
        &format!("Hello, {}!", me.name.as_deref().unwrap_or("?")),
    );

    // Log out: forget the token (localStorage too) and end the login service's session.
    let origin = location.origin().unwrap_or_default();
    if let Some(button) = element("logout") {
        let _ = button.remove_attribute("hidden");
        let on_click = Closure::<dyn FnMut()>::new(move || {
            let bye = format!("{origin}/logged-out.html");
            if let Err(e) = client.logout(Some(&bye)) {
                status("error", &e.to_string());
            }
        });
        let _ = button.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
        on_click.forget();
    }
    Ok(())
}

#[wasm_bindgen(start)]
pub fn start() {
    wasm_bindgen_futures::spawn_local(async {
        if let Err(e) = run().await {
            status("error", &e.to_string());
        }
    });
}
