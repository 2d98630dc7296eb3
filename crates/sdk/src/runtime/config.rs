//! The configuration file of the official SDKs (`[logging]`, `[retry]`, `[reauthentication]`,
//! `[general]`, `[gateway]`; INI or JSON), at `~/.genesyscloudrust/config` by default, and its
//! environment-variable overrides.
//!
//! ```ini
//! [logging]
//! log_level = trace          ; trace, debug, info, error, none
//! log_format = text          ; text, json
//! log_to_console = false
//! log_file_path = /var/log/genesyscloud-rust.log
//! log_response_body = false
//! log_request_body = false
//! [retry]
//! retry_wait_min = 3         ; seconds: first backoff
//! retry_wait_max = 30        ; seconds: longest backoff
//! retry_max = 5              ; 0 turns retries off
//! retry_max_time = 180       ; seconds of waiting per call, at most
//! [reauthentication]
//! refresh_access_token = true
//! refresh_token_wait_max = 10
//! [general]
//! host = https://api.mypurecloud.ie
//! [gateway]
//! host = gateway.example.com
//! protocol = https
//! port = 1443
//! path_params_login = login
//! path_params_api = api
//! ```
//!
//! The same in JSON: `{"logging": {"log_level": "trace", ...}, "retry": {"retry_max": 5}, ...}`.
//!
//! Every key can be overridden by an environment variable `GENESYSCLOUD_<SECTION>_<KEY>`
//! (`GENESYSCLOUD_RETRY_RETRY_MAX=0`, `GENESYSCLOUD_GENERAL_HOST=mypurecloud.de`), and the file's
//! path by `GENESYSCLOUD_CONFIG_FILE`. Unknown sections and keys are ignored (reported by a
//! `tracing` warning); a malformed file or value is an error naming the file, line and key.
//! `live_reload_config` and the gateway's `username`/`password` are accepted and not used (as in
//! the official SDKs); reload with [`Client::load_config_file`](crate::Client::load_config_file).

use super::error::{Error, ErrorKind};
use super::logging::{LogFormat, LogLevel};
use super::region::Gateway;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The environment variable naming the configuration file.
pub const CONFIG_FILE_ENV: &str = "GENESYSCLOUD_CONFIG_FILE";

/// The keys the SDK reads, by section.
const KEYS: &[(&str, &[&str])] = &[
    (
        "logging",
        &[
            "log_level",
            "log_format",
            "log_to_console",
            "log_file_path",
            "log_response_body",
            "log_request_body",
        ],
    ),
    (
        "retry",
        &[
            "retry_wait_min",
            "retry_wait_max",
            "retry_max",
            "retry_max_time",
            "retry_non_idempotent",
        ],
    ),
    (
        "reauthentication",
        &["refresh_access_token", "refresh_token_wait_max"],
    ),
    ("general", &["live_reload_config", "host"]),
    (
        "gateway",
        &[
            "host",
            "protocol",
            "port",
            "path_params_login",
            "path_params_api",
            "username",
            "password",
        ],
    ),
];

/// A parsed configuration file: each setting it gives (`None`: not in the file).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConfigFile {
    /// Where it was read from.
    pub source: Option<PathBuf>,
    /// `[logging] log_level`.
    pub log_level: Option<LogLevel>,
    /// `[logging] log_format`.
    pub log_format: Option<LogFormat>,
    /// `[logging] log_to_console`.
    pub log_to_console: Option<bool>,
    /// `[logging] log_file_path`.
    pub log_file_path: Option<PathBuf>,
    /// `[logging] log_request_body`.
    pub log_request_body: Option<bool>,
    /// `[logging] log_response_body`.
    pub log_response_body: Option<bool>,
    /// `[retry] retry_wait_min` (seconds).
    pub retry_wait_min: Option<Duration>,
    /// `[retry] retry_wait_max` (seconds).
    pub retry_wait_max: Option<Duration>,
    /// `[retry] retry_max`.
    pub retry_max: Option<u32>,
    /// `[retry] retry_max_time` (seconds).
    pub retry_max_time: Option<Duration>,
    /// `[retry] retry_non_idempotent`.
    pub retry_non_idempotent: Option<bool>,
    /// `[reauthentication] refresh_access_token`.
    pub refresh_access_token: Option<bool>,
    /// `[reauthentication] refresh_token_wait_max` (seconds).
    pub refresh_token_wait_max: Option<Duration>,
    /// `[general] host`: the environment (`mypurecloud.ie`, `https://api.mypurecloud.ie`).
    pub host: Option<String>,
    /// `[general] live_reload_config` (accepted, not used).
    pub live_reload_config: Option<bool>,
    /// `[gateway]`, when it has a `host`.
    pub gateway: Option<Gateway>,
}

enum Raw {
    Text(String),
    Json(serde_json::Value),
}

type Sections = BTreeMap<String, BTreeMap<String, (Raw, Option<usize>)>>;

impl ConfigFile {
    /// `~/.genesyscloudrust/config`, when the home directory is known.
    pub fn default_path() -> Option<PathBuf> {
        home_dir().map(|h| h.join(".genesyscloudrust").join("config"))
    }

    /// Reads and parses a file. A missing, unreadable or malformed file is an
    /// [`ErrorKind::InvalidInput`] error naming it.
    pub fn load(path: impl AsRef<Path>) -> Result<ConfigFile, Error> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| {
            Error::new(
                ErrorKind::InvalidInput,
                format!("cannot read the config file {}: {e}", path.display()),
            )
        })?;
        let text = String::from_utf8(bytes).map_err(|_| {
            Error::new(
                ErrorKind::InvalidInput,
                format!("the config file {} is not UTF-8 text", path.display()),
            )
        })?;
        let mut c = Self::parse_named(&text, &path.display().to_string())?;
        c.source = Some(path.to_owned());
        Ok(c)
    }

    /// Parses INI or JSON text (JSON when it starts with `{`).
    pub fn parse(text: &str) -> Result<ConfigFile, Error> {
        Self::parse_named(text, "<text>")
    }

    fn parse_named(text: &str, name: &str) -> Result<ConfigFile, Error> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let json = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with(';'))
            .is_some_and(|l| l.starts_with('{'));
        let sections = if json {
            parse_json(text, name)?
        } else {
            parse_ini(text, name)?
        };
        let mut c = ConfigFile::default();
        for (section, keys) in &sections {
            for (key, (raw, line)) in keys {
                let at = match line {
                    Some(l) => format!("config file {name}, line {l}"),
                    None => format!("config file {name}"),
                };
                let value = match raw {
                    Raw::Text(s) => s.clone(),
                    Raw::Json(serde_json::Value::String(s)) => s.clone(),
                    Raw::Json(serde_json::Value::Null) => continue,
                    Raw::Json(v @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_))) => {
                        v.to_string()
                    }
                    Raw::Json(_) => {
                        return Err(Error::new(
                            ErrorKind::InvalidInput,
                            format!("{at}: [{section}] {key} must be a string, number or boolean"),
                        ))
                    }
                };
                c.set(section, key, &value)
                    .map_err(|m| Error::new(ErrorKind::InvalidInput, format!("{at}: {m}")))?;
            }
        }
        Ok(c)
    }

    /// Applies `GENESYSCLOUD_<SECTION>_<KEY>` variables found by `lookup` (e.g.
    /// `|k| std::env::var(k).ok()`) over the file's values.
    pub fn apply_env(&mut self, lookup: impl Fn(&str) -> Option<String>) -> Result<(), Error> {
        for (section, keys) in KEYS {
            for key in *keys {
                let var = format!(
                    "GENESYSCLOUD_{}_{}",
                    section.to_ascii_uppercase(),
                    key.to_ascii_uppercase()
                );
                if let Some(v) = lookup(&var) {
                    self.set(section, key, &v).map_err(|m| {
                        Error::new(
                            ErrorKind::InvalidInput,
                            format!("environment variable {var}: {m}"),
                        )
                    })?;
                }
            }
        }
        Ok(())
    }

    /// The configuration the SDK starts with: the file at `explicit`, else at
    /// `$GENESYSCLOUD_CONFIG_FILE`, else at `~/.genesyscloudrust/config` if there is one; then
    /// the environment overrides. `Ok(None)` when there is neither file nor variable.
    pub fn discover(
        explicit: Option<&Path>,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<ConfigFile>, Error> {
        let path = match explicit {
            Some(p) => Some(p.to_owned()),
            None => match lookup(CONFIG_FILE_ENV).filter(|s| !s.trim().is_empty()) {
                Some(p) => Some(PathBuf::from(p)),
                None => Self::default_path().filter(|p| p.is_file()),
            },
        };
        let mut c = match &path {
            Some(p) => Self::load(p)?,
            None => ConfigFile::default(),
        };
        c.apply_env(lookup)?;
        if path.is_none() && c == ConfigFile::default() {
            return Ok(None);
        }
        Ok(Some(c))
    }

    fn set(&mut self, section: &str, key: &str, value: &str) -> Result<(), String> {
        let v = value.trim();
        let shown = if key == "password" {
            "<redacted>".to_owned()
        } else {
            format!("{v:?}")
        };
        let bad = |expected: &str| format!("[{section}] {key} = {shown}: expected {expected}");
        let boolean = || match v.to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "1" => Ok(true),
            "false" | "no" | "off" | "0" => Ok(false),
            _ => Err(bad("true or false")),
        };
        let seconds = || {
            v.parse::<f64>()
                .ok()
                .filter(|f| f.is_finite() && *f >= 0.0 && *f <= 86_400.0 * 365.0)
                .map(Duration::from_secs_f64)
                .ok_or_else(|| bad("a number of seconds"))
        };
        match (section, key) {
            ("logging", "log_level") => {
                self.log_level = Some(
                    v.parse()
                        .map_err(|_| bad("trace, debug, info, error or none"))?,
                )
            }
            ("logging", "log_format") => {
                self.log_format = Some(v.parse().map_err(|_| bad("text or json"))?)
            }
            ("logging", "log_to_console") => self.log_to_console = Some(boolean()?),
            ("logging", "log_file_path") => {
                self.log_file_path = (!v.is_empty()).then(|| PathBuf::from(v))
            }
            ("logging", "log_request_body") => self.log_request_body = Some(boolean()?),
            ("logging", "log_response_body") => self.log_response_body = Some(boolean()?),
            ("retry", "retry_wait_min") => self.retry_wait_min = Some(seconds()?),
            ("retry", "retry_wait_max") => self.retry_wait_max = Some(seconds()?),
            ("retry", "retry_max_time") => self.retry_max_time = Some(seconds()?),
            ("retry", "retry_max") => {
                self.retry_max = Some(
                    v.parse::<u32>()
                        .ok()
                        .filter(|n| *n <= 1000)
                        .ok_or_else(|| bad("a whole number from 0 to 1000"))?,
                )
            }
            ("retry", "retry_non_idempotent") => self.retry_non_idempotent = Some(boolean()?),
            ("reauthentication", "refresh_access_token") => {
                self.refresh_access_token = Some(boolean()?)
            }
            ("reauthentication", "refresh_token_wait_max") => {
                self.refresh_token_wait_max = Some(seconds()?)
            }
            ("general", "live_reload_config") => self.live_reload_config = Some(boolean()?),
            ("general", "host") => {
                if !v.is_empty() {
                    super::region::normalize_environment(v)
                        .map_err(|_| bad("an environment such as mypurecloud.ie"))?;
                    self.host = Some(v.to_owned());
                }
            }
            ("gateway", k) => {
                let g = self.gateway.get_or_insert_with(Gateway::default);
                match k {
                    "host" => g.host = v.to_owned(),
                    "protocol" => g.protocol = v.to_owned(),
                    "port" => {
                        // The official SDKs use -1 for "the default port".
                        g.port = match v.parse::<i64>() {
                            Ok(-1) => None,
                            Ok(p) if (1..=65535).contains(&p) => Some(p as u16),
                            _ => return Err(bad("a port number (1-65535, or -1 for the default)")),
                        }
                    }
                    "path_params_login" => g.path_params_login = v.to_owned(),
                    "path_params_api" => g.path_params_api = v.to_owned(),
                    "username" | "password" => {}
                    _ => tracing::warn!(section, key, "unknown config file key ignored"),
                }
                if g.host.is_empty()
                    && k != "host"
                    && self
                        .gateway
                        .as_ref()
                        .is_some_and(|g| g == &Gateway::default())
                {
                    self.gateway = None;
                }
            }
            _ => tracing::warn!(section, key, "unknown config file key ignored"),
        }
        Ok(())
    }

    /// The gateway, checked: `None` when the `[gateway]` section has no host.
    pub(crate) fn checked_gateway(&self) -> Result<Option<Gateway>, Error> {
        match &self.gateway {
            Some(g) if !g.host.trim().is_empty() => {
                g.api_base_url().map_err(|e| self.err(e.message()))?;
                g.login_base_url().map_err(|e| self.err(e.message()))?;
                Ok(Some(g.clone()))
            }
            Some(g) if *g != Gateway::default() => {
                Err(self.err("[gateway] has settings but no host"))
            }
            _ => Ok(None),
        }
    }

    fn err(&self, m: &str) -> Error {
        let name = self
            .source
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "<text>".into());
        Error::new(ErrorKind::InvalidInput, format!("config file {name}: {m}"))
    }
}

fn parse_ini(text: &str, name: &str) -> Result<Sections, Error> {
    let mut out: Sections = BTreeMap::new();
    let mut section: Option<String> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let err = |m: &str| {
            Error::new(
                ErrorKind::InvalidInput,
                format!("config file {name}, line {n}: {m}"),
            )
        };
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') || l.starts_with(';') {
            continue;
        }
        if let Some(rest) = l.strip_prefix('[') {
            let Some(s) = rest.strip_suffix(']') else {
                return Err(err("a section header must end with ']'"));
            };
            let s = s.trim().to_ascii_lowercase();
            if s.is_empty() {
                return Err(err("empty section name"));
            }
            section = Some(s);
            continue;
        }
        let Some((k, v)) = l.split_once(['=', ':']) else {
            return Err(err("expected `key = value` or `[section]`"));
        };
        let Some(s) = &section else {
            return Err(err("a key before any [section] (expected [logging], [retry], [reauthentication], [general] or [gateway])"));
        };
        let k = k.trim().to_ascii_lowercase();
        if k.is_empty() {
            return Err(err("empty key"));
        }
        // A `;` or ` #` after the value starts a comment.
        let mut v = v.trim();
        for marker in [" ;", " #", "\t;", "\t#"] {
            if let Some(at) = v.find(marker) {
                v = v[..at].trim_end();
            }
        }
        let v = v
            .strip_prefix('"')
            .and_then(|x| x.strip_suffix('"'))
            .unwrap_or(v);
        out.entry(s.clone())
            .or_default()
            .insert(k, (Raw::Text(v.to_owned()), Some(n)));
    }
    Ok(out)
}

fn parse_json(text: &str, name: &str) -> Result<Sections, Error> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        Error::new(
            ErrorKind::InvalidInput,
            format!("config file {name}: invalid JSON: {e}"),
        )
    })?;
    let serde_json::Value::Object(top) = v else {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("config file {name}: expected a JSON object"),
        ));
    };
    let mut out: Sections = BTreeMap::new();
    for (section, body) in top {
        let serde_json::Value::Object(keys) = body else {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!("config file {name}: \"{section}\" must be an object of settings"),
            ));
        };
        let entry = out.entry(section.to_ascii_lowercase()).or_default();
        for (k, v) in keys {
            entry.insert(k.to_ascii_lowercase(), (Raw::Json(v), None));
        }
    }
    Ok(out)
}

/// The user's home directory, from the environment.
pub(crate) fn home_dir() -> Option<PathBuf> {
    let non_empty = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    if let Some(h) = non_empty("HOME") {
        return Some(PathBuf::from(h));
    }
    if let Some(h) = non_empty("USERPROFILE") {
        return Some(PathBuf::from(h));
    }
    match (non_empty("HOMEDRIVE"), non_empty("HOMEPATH")) {
        (Some(d), Some(p)) => {
            let mut s = d;
            s.push(p);
            Some(PathBuf::from(s))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INI: &str = "
# The official SDKs' example
[logging]
log_level = trace
log_format = json
log_to_console = false
log_file_path = /var/log/javascriptsdk.log
log_response_body = false
log_request_body = true
[retry]
retry_wait_min = 3
retry_wait_max = 10
retry_max = 5
[reauthentication]
refresh_access_token = true
refresh_token_wait_max = 10
[general]
live_reload_config = true
host = https://api.mypurecloud.com
[gateway]
host = mygateway.mydomain.myextension
protocol = https
port = 1443
path_params_login = myadditionalpathforlogin
path_params_api = myadditionalpathforapi
username = username
password = password
";

    const JSON: &str = r#"{
    "logging": {"log_level": "trace", "log_format": "json", "log_to_console": false,
                "log_file_path": "/var/log/javascriptsdk.log", "log_response_body": false, "log_request_body": true},
    "retry": {"retry_wait_min": 3, "retry_wait_max": 10, "retry_max": 5},
    "reauthentication": {"refresh_access_token": true, "refresh_token_wait_max": 10},
    "general": {"live_reload_config": true, "host": "https://api.mypurecloud.com"},
    "gateway": {"host": "mygateway.mydomain.myextension", "protocol": "https", "port": 1443,
                "path_params_login": "myadditionalpathforlogin", "path_params_api": "myadditionalpathforapi",
                "username": "username", "password": "password"}
}"#;

    #[test]
    fn the_official_examples_parse_the_same_in_ini_and_json() {
        let a = ConfigFile::parse(INI).unwrap();
        let b = ConfigFile::parse(JSON).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.log_level, Some(LogLevel::Trace));
        assert_eq!(a.log_format, Some(LogFormat::Json));
        assert_eq!(a.log_to_console, Some(false));
        assert_eq!(
            a.log_file_path.as_deref(),
            Some(Path::new("/var/log/javascriptsdk.log"))
        );
        assert_eq!(a.log_request_body, Some(true));
        assert_eq!(a.retry_wait_min, Some(Duration::from_secs(3)));
        assert_eq!(a.retry_wait_max, Some(Duration::from_secs(10)));
        assert_eq!(a.retry_max, Some(5));
        assert_eq!(a.refresh_token_wait_max, Some(Duration::from_secs(10)));
        assert_eq!(a.host.as_deref(), Some("https://api.mypurecloud.com"));
        let g = a.checked_gateway().unwrap().unwrap();
        assert_eq!(
            g.login_base_url().unwrap(),
            "https://mygateway.mydomain.myextension:1443/myadditionalpathforlogin"
        );
        assert_eq!(
            g.api_base_url().unwrap(),
            "https://mygateway.mydomain.myextension:1443/myadditionalpathforapi"
        );
    }

    #[test]
    fn ini_details() {
        let c = ConfigFile::parse("; comment\n[RETRY]\nRetry_Max: 2 ; trailing comment\n[unknown]\nx = y\n[general]\nhost = \"mypurecloud.ie\"\n").unwrap();
        assert_eq!(c.retry_max, Some(2));
        assert_eq!(c.host.as_deref(), Some("mypurecloud.ie"));
        assert_eq!(ConfigFile::parse("").unwrap(), ConfigFile::default());
        assert_eq!(
            ConfigFile::parse("[gateway]\nport = -1\n")
                .unwrap()
                .checked_gateway()
                .unwrap(),
            None
        );
    }

    #[test]
    fn bad_files_name_what_is_wrong() {
        let cases = [
            ("retry_max = 5\n", "line 1", "before any [section]"),
            ("[retry\nretry_max = 5\n", "line 1", "']'"),
            ("[retry]\nretry_max\n", "line 2", "key = value"),
            ("[retry]\nretry_max = many\n", "line 2", "retry_max"),
            ("[retry]\nretry_wait_min = -3\n", "line 2", "seconds"),
            ("[logging]\nlog_level = loud\n", "line 2", "log_level"),
            (
                "[logging]\nlog_to_console = maybe\n",
                "line 2",
                "true or false",
            ),
            ("[general]\nhost = not a host\n", "line 2", "host"),
            ("[gateway]\nport = 99999\n", "line 2", "port"),
            (
                "{\"retry\": {\"retry_max\": \"x\"}}",
                "config file",
                "retry_max",
            ),
            ("{\"retry\": 5}", "config file", "must be an object"),
            (
                "{\"retry\": {\"retry_max\": [1]}}",
                "config file",
                "string, number or boolean",
            ),
            ("{ not json", "config file", "invalid JSON"),
            ("[]", "line 1", "empty section"),
        ];
        for (text, at, what) in cases {
            let e = ConfigFile::parse(text).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidInput, "{text}");
            assert!(
                e.message().contains(at) && e.message().contains(what),
                "{text}: {}",
                e.message()
            );
        }
        let e = ConfigFile::parse("[gateway]\nprotocol = http\n")
            .unwrap()
            .checked_gateway()
            .unwrap_err();
        assert!(e.message().contains("no host"), "{}", e.message());
        let e = ConfigFile::parse("[gateway]\nhost = x.com\nprotocol = gopher\n")
            .unwrap()
            .checked_gateway()
            .unwrap_err();
        assert!(e.message().contains("gopher"), "{}", e.message());
        let e = ConfigFile::parse("[gateway]\npassword = \"p@ss\nport = x\n").unwrap_err();
        assert!(!e.message().contains("p@ss"));
    }

    #[test]
    fn environment_overrides() {
        let mut c = ConfigFile::parse(INI).unwrap();
        let env: BTreeMap<&str, &str> = [
            ("GENESYSCLOUD_RETRY_RETRY_MAX", "0"),
            ("GENESYSCLOUD_GENERAL_HOST", "mypurecloud.de"),
            ("GENESYSCLOUD_GATEWAY_PORT", "8443"),
        ]
        .into();
        c.apply_env(|k| env.get(k).map(|v| v.to_string())).unwrap();
        assert_eq!(c.retry_max, Some(0));
        assert_eq!(c.host.as_deref(), Some("mypurecloud.de"));
        assert_eq!(c.gateway.unwrap().port, Some(8443));
        let e = ConfigFile::default()
            .apply_env(|k| (k == "GENESYSCLOUD_LOGGING_LOG_LEVEL").then(|| "loud".into()))
            .unwrap_err();
        assert!(
            e.message().contains("GENESYSCLOUD_LOGGING_LOG_LEVEL"),
            "{}",
            e.message()
        );
        // discover: nothing at all gives None; a variable alone gives a config.
        assert_eq!(
            ConfigFile::discover(Some(Path::new("/nonexistent/x")), |_| None)
                .unwrap_err()
                .kind(),
            ErrorKind::InvalidInput
        );
        let c = ConfigFile::discover(None, |k| {
            (k == "GENESYSCLOUD_RETRY_RETRY_MAX").then(|| "1".into())
        })
        .unwrap()
        .unwrap();
        assert_eq!(c.retry_max, Some(1));
    }
}
