//! Token persistence: where [`Client::set_persist_settings`](crate::Client::set_persist_settings)
//! saves the access token so that the next run (or another process) can reuse it.

use super::error::{Error, ErrorKind};
use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

/// The default storage prefix, as in the official SDKs.
pub const DEFAULT_PERSIST_PREFIX: &str = "purecloud";

/// A persisted token.
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoredToken {
    /// The access token.
    pub access_token: String,
    /// The refresh token, for the grants that give one.
    pub refresh_token: Option<String>,
    /// When the access token expires, in milliseconds since the Unix epoch.
    pub expires_at_ms: Option<u64>,
}

impl StoredToken {
    /// A token without refresh token or expiry.
    pub fn new(access_token: impl Into<String>) -> Self {
        StoredToken {
            access_token: access_token.into(),
            ..Default::default()
        }
    }

    /// The JSON form the file store writes (the official SDKs' keys: `accessToken`,
    /// `refreshToken`, `tokenExpiryTime`).
    pub fn to_json(&self) -> String {
        let mut o = serde_json::Map::new();
        o.insert("accessToken".into(), self.access_token.clone().into());
        if let Some(r) = &self.refresh_token {
            o.insert("refreshToken".into(), r.clone().into());
        }
        if let Some(t) = self.expires_at_ms {
            o.insert("tokenExpiryTime".into(), t.into());
        }
        serde_json::Value::Object(o).to_string()
    }

    /// Parses [`to_json`](Self::to_json)'s output; the error says what is wrong (never the
    /// token).
    pub fn from_json(text: &str) -> Result<Self, Error> {
        let bad = |what: &str| Error::new(ErrorKind::InvalidInput, format!("stored token: {what}"));
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| bad(&format!("not JSON ({e})")))?;
        let o = v.as_object().ok_or_else(|| bad("not a JSON object"))?;
        let access_token = o
            .get("accessToken")
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty())
            .ok_or_else(|| bad("no \"accessToken\" string"))?
            .to_owned();
        let refresh_token = match o.get("refreshToken") {
            None | Some(serde_json::Value::Null) => None,
            Some(v) => Some(
                v.as_str()
                    .ok_or_else(|| bad("\"refreshToken\" is not a string"))?
                    .to_owned(),
            ),
        };
        let expires_at_ms = match o.get("tokenExpiryTime") {
            None | Some(serde_json::Value::Null) => None,
            Some(v) => Some(
                v.as_u64()
                    .or_else(|| v.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
                    .ok_or_else(|| bad("\"tokenExpiryTime\" is not a number of milliseconds"))?,
            ),
        };
        Ok(StoredToken {
            access_token,
            refresh_token,
            expires_at_ms,
        })
    }
}

impl fmt::Debug for StoredToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredToken")
            .field("access_token", &"<redacted>")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .field("expires_at_ms", &self.expires_at_ms)
            .finish()
    }
}

/// Where tokens are persisted, one entry per prefix. Implement it to keep tokens in a secret
/// manager, a database, ...; the SDK ships [`MemoryTokenStore`] and, on native targets,
/// [`FileTokenStore`].
pub trait TokenStore: Send + Sync + 'static {
    /// The token saved under `prefix`, if any.
    fn load(&self, prefix: &str) -> Result<Option<StoredToken>, Error>;
    /// Saves `token` under `prefix`, replacing what was there.
    fn save(&self, prefix: &str, token: &StoredToken) -> Result<(), Error>;
    /// Forgets the token saved under `prefix`.
    fn remove(&self, prefix: &str) -> Result<(), Error>;
}

/// Checks a storage prefix: 1-64 of `A-Z a-z 0-9 _ - .`, not starting with a dot.
pub(crate) fn check_prefix(prefix: &str) -> Result<(), Error> {
    let ok = !prefix.is_empty()
        && prefix.len() <= 64
        && !prefix.starts_with('.')
        && prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if ok {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::InvalidInput,
            format!(
                "invalid persistence prefix {prefix:?}: use 1-64 letters, digits, '_', '-' or '.'"
            ),
        ))
    }
}

/// Tokens kept in memory (for tests, or to share one token between clients of a process).
#[derive(Default)]
pub struct MemoryTokenStore {
    map: Mutex<HashMap<String, StoredToken>>,
}

impl MemoryTokenStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl fmt::Debug for MemoryTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.map.lock().map(|m| m.len()).unwrap_or(0);
        f.debug_struct("MemoryTokenStore")
            .field("entries", &n)
            .finish()
    }
}

impl TokenStore for MemoryTokenStore {
    fn load(&self, prefix: &str) -> Result<Option<StoredToken>, Error> {
        check_prefix(prefix)?;
        Ok(self
            .map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(prefix)
            .cloned())
    }
    fn save(&self, prefix: &str, token: &StoredToken) -> Result<(), Error> {
        check_prefix(prefix)?;
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(prefix.to_owned(), token.clone());
        Ok(())
    }
    fn remove(&self, prefix: &str) -> Result<(), Error> {
        check_prefix(prefix)?;
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(prefix);
        Ok(())
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub use file::FileTokenStore;

#[cfg(not(target_arch = "wasm32"))]
mod file {
    use super::*;
    use std::io::Write;
    use std::path::{Path, PathBuf};

    /// Tokens in files: `<dir>/<prefix>_auth_data.json`, readable and writable by the owner only
    /// (mode 0600 on Unix, in a 0700 directory when the store creates it). Writes go to a
    /// temporary file that is then renamed, so a reader never sees half a token.
    #[derive(Clone, Debug)]
    pub struct FileTokenStore {
        dir: PathBuf,
    }

    impl FileTokenStore {
        /// A store in `dir` (created on first save).
        pub fn new(dir: impl Into<PathBuf>) -> Self {
            FileTokenStore { dir: dir.into() }
        }

        /// A store in `~/.genesyscloudrust/`, when the home directory is known.
        pub fn in_home() -> Option<Self> {
            super::super::config::home_dir().map(|h| Self::new(h.join(".genesyscloudrust")))
        }

        /// The directory.
        pub fn dir(&self) -> &Path {
            &self.dir
        }

        /// The file of `prefix`.
        pub fn path(&self, prefix: &str) -> PathBuf {
            self.dir.join(format!("{prefix}_auth_data.json"))
        }

        fn io_error(&self, what: &str, path: &Path, e: std::io::Error) -> Error {
            Error::new(
                ErrorKind::InvalidInput,
                format!("token store: cannot {what} {}: {e}", path.display()),
            )
            .with_source(e)
        }
    }

    impl TokenStore for FileTokenStore {
        fn load(&self, prefix: &str) -> Result<Option<StoredToken>, Error> {
            check_prefix(prefix)?;
            let path = self.path(prefix);
            let text = match std::fs::read_to_string(&path) {
                Ok(t) => t,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(self.io_error("read", &path, e)),
            };
            StoredToken::from_json(&text).map(Some).map_err(|e| {
                Error::new(
                    ErrorKind::InvalidInput,
                    format!("{} ({})", e.message(), path.display()),
                )
            })
        }

        fn save(&self, prefix: &str, token: &StoredToken) -> Result<(), Error> {
            check_prefix(prefix)?;
            if !self.dir.exists() {
                let mut b = std::fs::DirBuilder::new();
                b.recursive(true);
                #[cfg(unix)]
                std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
                b.create(&self.dir)
                    .map_err(|e| self.io_error("create", &self.dir, e))?;
            }
            let path = self.path(prefix);
            let tmp = self.dir.join(format!(
                ".{prefix}_auth_data.json.{}.tmp",
                std::process::id()
            ));
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
            let write = || -> std::io::Result<()> {
                let mut f = opts.open(&tmp)?;
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    // The mode given at creation is filtered by the umask; and a stale temporary
                    // file keeps its old mode: set it explicitly.
                    f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
                }
                f.write_all(token.to_json().as_bytes())?;
                f.sync_all()?;
                std::fs::rename(&tmp, &path)
            };
            write().map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                self.io_error("write", &path, e)
            })
        }

        fn remove(&self, prefix: &str) -> Result<(), Error> {
            check_prefix(prefix)?;
            let path = self.path(prefix);
            match std::fs::remove_file(&path) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(self.io_error("remove", &path, e)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip_and_bad_input() {
        let t = StoredToken {
            access_token: "at".into(),
            refresh_token: Some("rt".into()),
            expires_at_ms: Some(1_700_000_000_000),
        };
        assert_eq!(StoredToken::from_json(&t.to_json()).unwrap(), t);
        assert_eq!(
            StoredToken::from_json(r#"{"accessToken":"x"}"#).unwrap(),
            StoredToken::new("x")
        );
        for bad in [
            "",
            "[]",
            "{}",
            r#"{"accessToken":""}"#,
            r#"{"accessToken":1}"#,
            r#"{"accessToken":"x","tokenExpiryTime":"soon"}"#,
            "<html>",
        ] {
            let e = StoredToken::from_json(bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidInput, "{bad}");
        }
        assert!(!format!("{t:?}").contains("at\""));
        assert!(!format!("{t:?}").contains("rt"));
    }

    #[test]
    fn prefixes() {
        for ok in ["purecloud", "my-app_1.v2"] {
            check_prefix(ok).unwrap();
        }
        for bad in ["", "../x", "a/b", ".hidden", "a b", &"x".repeat(65)] {
            assert!(check_prefix(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn memory_store() {
        let s = MemoryTokenStore::new();
        assert!(s.load("p").unwrap().is_none());
        s.save("p", &StoredToken::new("t")).unwrap();
        assert_eq!(s.load("p").unwrap().unwrap().access_token, "t");
        assert!(s.load("q").unwrap().is_none());
        s.remove("p").unwrap();
        assert!(s.load("p").unwrap().is_none());
        assert!(s.save("../p", &StoredToken::new("t")).is_err());
    }
}
