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
    use std::io::{Read, Write};
    use std::path::{Path, PathBuf};

    /// A token file larger than this is not a token (a JWT access token is a few KB): it is
    /// ignored like any other unreadable content rather than read whole.
    const MAX_TOKEN_FILE_BYTES: u64 = 1 << 20;

    /// How many fresh temporary names a save tries before giving up (a name is taken only if
    /// someone planted a file there: 128 random bits do not collide by chance).
    const TEMP_NAME_ATTEMPTS: usize = 8;

    /// Tokens in files: `<dir>/<prefix>_auth_data.json`, readable and writable by the owner
    /// only.
    ///
    /// - **Atomic writes.** A save writes a new temporary file in the same directory, named
    ///   `.<prefix>_auth_data.json.<32 random hex digits>.tmp` and created exclusively
    ///   (`O_CREAT | O_EXCL`: an existing file or symbolic link at that name is never opened or
    ///   followed, another random name is tried), with mode 0600 on Unix; it is flushed to disk
    ///   and renamed over the token file (a rename replaces a link, never writes through it).
    ///   A reader sees the old token or the new one, never half of one; saves from many threads
    ///   or processes at once all succeed (the last one wins).
    /// - **A private directory** (Unix). The directory is created with mode 0700 when missing.
    ///   An existing directory that is writable by its group or by others (0775, 0777, `/tmp`)
    ///   is refused by `load` and `save` with an [`ErrorKind::InvalidInput`] error: anyone who
    ///   can write there could replace the token file (and have the client use their token) or
    ///   plant links; `chmod 700 <dir>` fixes it. A save also refuses a directory owned by
    ///   another user. On other platforms the directory's access control lists are left as they
    ///   are.
    /// - **Unreadable content is no token.** A token file that is not a token (not JSON, no
    ///   `accessToken`, not UTF-8, over 1 MiB) loads as none, with a `tracing` warning that
    ///   names the file but not its content; the next save replaces it. Errors reading the file
    ///   (permissions, I/O) are errors.
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

        /// The directory's metadata after checking it is a directory nobody else can write
        /// to; `None` when it does not exist.
        fn checked_dir(&self) -> Result<Option<std::fs::Metadata>, Error> {
            let meta = match std::fs::metadata(&self.dir) {
                Ok(m) => m,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(self.io_error("use the directory", &self.dir, e)),
            };
            if !meta.is_dir() {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    format!("token store: {} is not a directory", self.dir.display()),
                ));
            }
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = meta.permissions().mode() & 0o7777;
                if mode & 0o022 != 0 {
                    return Err(Error::new(
                        ErrorKind::InvalidInput,
                        format!(
                            "token store: the directory {} is writable by {} (mode {mode:04o}): \
                             anyone who can write there could replace or intercept the token \
                             file; refusing to use it (make it private: chmod 700 {0})",
                            self.dir.display(),
                            if mode & 0o002 != 0 {
                                "everyone"
                            } else {
                                "its group"
                            },
                        ),
                    ));
                }
            }
            Ok(Some(meta))
        }

        /// Creates the directory (mode 0700 on Unix) when missing, then checks it.
        fn private_dir(&self) -> Result<std::fs::Metadata, Error> {
            if let Some(meta) = self.checked_dir()? {
                return Ok(meta);
            }
            let mut b = std::fs::DirBuilder::new();
            b.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
            b.create(&self.dir)
                .map_err(|e| self.io_error("create", &self.dir, e))?;
            self.checked_dir()?.ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidInput,
                    format!(
                        "token store: {} vanished after it was created",
                        self.dir.display()
                    ),
                )
            })
        }

        /// A fresh, unpredictable temporary name next to the token file of `prefix`.
        fn temp_path(&self, prefix: &str) -> Result<PathBuf, Error> {
            let mut r = [0u8; 16];
            getrandom::getrandom(&mut r).map_err(|e| {
                Error::new(
                    ErrorKind::InvalidInput,
                    format!("token store: no random numbers for a temporary file name: {e}"),
                )
            })?;
            let hex: String = r.iter().map(|b| format!("{b:02x}")).collect();
            Ok(self.dir.join(format!(".{prefix}_auth_data.json.{hex}.tmp")))
        }

        /// Writes `data` to `path` atomically: a new file at the first free name `next_name`
        /// gives (created exclusively, never through a link), flushed, renamed over `path`.
        fn write_atomic(
            &self,
            dir: &std::fs::Metadata,
            path: &Path,
            data: &[u8],
            next_name: &mut dyn FnMut() -> Result<PathBuf, Error>,
        ) -> Result<(), Error> {
            #[cfg(not(unix))]
            let _ = dir;
            let mut opts = std::fs::OpenOptions::new();
            // `create_new` is O_CREAT | O_EXCL: it fails on any existing entry, a symbolic link
            // included (dangling or not), and never follows one.
            opts.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
            let mut attempt = 0;
            let (tmp, mut file) = loop {
                attempt += 1;
                let tmp = next_name()?;
                match opts.open(&tmp) {
                    Ok(f) => break (tmp, f),
                    Err(e)
                        if e.kind() == std::io::ErrorKind::AlreadyExists
                            && attempt < TEMP_NAME_ATTEMPTS =>
                    {
                        tracing::warn!(
                            path = %tmp.display(),
                            "token store: the temporary file name is taken (planted?): trying another"
                        );
                    }
                    Err(e) => return Err(self.io_error("create", &tmp, e)),
                }
            };
            let write = |f: &mut std::fs::File| -> std::io::Result<()> {
                #[cfg(unix)]
                {
                    use std::os::unix::fs::{MetadataExt, PermissionsExt};
                    // The file is new and ours; the directory must be ours too (someone who
                    // owns it can read whatever is put there).
                    let uid = f.metadata()?.uid();
                    if dir.uid() != uid {
                        return Err(std::io::Error::new(
                            std::io::ErrorKind::PermissionDenied,
                            format!(
                                "the directory belongs to user {} (not {uid}): refusing to put a token there",
                                dir.uid()
                            ),
                        ));
                    }
                    // The creation mode is filtered by the umask: make it exactly 0600.
                    f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
                }
                f.write_all(data)?;
                f.sync_all()
            };
            let done = write(&mut file).and_then(|()| {
                drop(file);
                std::fs::rename(&tmp, path)
            });
            done.map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                self.io_error("write", path, e)
            })
        }

        fn save_with_names(
            &self,
            prefix: &str,
            token: &StoredToken,
            next_name: &mut dyn FnMut() -> Result<PathBuf, Error>,
        ) -> Result<(), Error> {
            check_prefix(prefix)?;
            let dir = self.private_dir()?;
            let path = self.path(prefix);
            self.write_atomic(&dir, &path, token.to_json().as_bytes(), next_name)
        }
    }

    impl TokenStore for FileTokenStore {
        fn load(&self, prefix: &str) -> Result<Option<StoredToken>, Error> {
            check_prefix(prefix)?;
            if self.checked_dir()?.is_none() {
                return Ok(None);
            }
            let path = self.path(prefix);
            let mut bytes = Vec::new();
            match std::fs::File::open(&path)
                .and_then(|f| f.take(MAX_TOKEN_FILE_BYTES + 1).read_to_end(&mut bytes))
            {
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(self.io_error("read", &path, e)),
            }
            let parsed = if bytes.len() as u64 > MAX_TOKEN_FILE_BYTES {
                Err(format!("larger than {MAX_TOKEN_FILE_BYTES} bytes"))
            } else {
                std::str::from_utf8(&bytes)
                    .map_err(|_| "not UTF-8".to_owned())
                    .and_then(|text| {
                        StoredToken::from_json(text).map_err(|e| e.message().to_owned())
                    })
            };
            match parsed {
                Ok(t) => Ok(Some(t)),
                Err(why) => {
                    // The message says what is wrong, never the content (which may be a token).
                    tracing::warn!(
                        path = %path.display(),
                        error = %why,
                        "token store: the token file is not a token: ignoring it (the next save replaces it)"
                    );
                    Ok(None)
                }
            }
        }

        fn save(&self, prefix: &str, token: &StoredToken) -> Result<(), Error> {
            self.save_with_names(prefix, token, &mut || self.temp_path(prefix))
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

    #[cfg(test)]
    mod tests {
        use super::*;

        fn temp_dir(name: &str) -> PathBuf {
            let d = std::env::temp_dir().join(format!(
                "purecloud-sdk-store-unit-{}-{name}",
                std::process::id()
            ));
            let _ = std::fs::remove_dir_all(&d);
            d
        }

        #[test]
        fn temporary_names_are_fresh_and_unpredictable() {
            let s = FileTokenStore::new("/x");
            let a = s.temp_path("p").unwrap();
            let b = s.temp_path("p").unwrap();
            assert_ne!(a, b);
            let name = a.file_name().unwrap().to_str().unwrap();
            assert!(
                name.starts_with(".p_auth_data.json.") && name.ends_with(".tmp"),
                "{name}"
            );
            let random = &name[".p_auth_data.json.".len()..name.len() - ".tmp".len()];
            assert_eq!(random.len(), 32, "{name}");
            assert!(random.bytes().all(|b| b.is_ascii_hexdigit()), "{name}");
        }

        /// A link planted at the name a save picks is neither followed nor replaced: the save
        /// takes another name, and the link's target keeps its content.
        #[cfg(unix)]
        #[test]
        fn a_link_planted_at_the_temporary_name_is_not_followed() {
            let dir = temp_dir("planted");
            let store = FileTokenStore::new(dir.join("store"));
            store.save("p", &StoredToken::new("first")).unwrap();
            let victim = dir.join("victim.txt");
            std::fs::write(&victim, "victim's data").unwrap();
            let planted = store.dir().join(".p_auth_data.json.planted.tmp");
            std::os::unix::fs::symlink(&victim, &planted).unwrap();
            // And a dangling one (O_CREAT without O_EXCL would create its target).
            let dangling_target = dir.join("created-through-a-link");
            let dangling = store.dir().join(".p_auth_data.json.dangling.tmp");
            std::os::unix::fs::symlink(&dangling_target, &dangling).unwrap();
            let mut names = vec![
                store.dir().join(".p_auth_data.json.fresh.tmp"),
                dangling.clone(),
                planted.clone(),
            ];
            let mut picked = Vec::new();
            store
                .save_with_names("p", &StoredToken::new("SECRET-TOKEN"), &mut || {
                    let n = names.pop().unwrap();
                    picked.push(n.clone());
                    Ok(n)
                })
                .unwrap();
            assert_eq!(picked.len(), 3, "two taken names skipped");
            assert_eq!(std::fs::read_to_string(&victim).unwrap(), "victim's data");
            assert!(
                !dangling_target.exists(),
                "a file was created through a link"
            );
            assert!(std::fs::symlink_metadata(&planted)
                .unwrap()
                .file_type()
                .is_symlink());
            assert!(std::fs::symlink_metadata(&dangling)
                .unwrap()
                .file_type()
                .is_symlink());
            assert_eq!(
                store.load("p").unwrap().unwrap().access_token,
                "SECRET-TOKEN"
            );
            assert!(!std::fs::symlink_metadata(store.path("p"))
                .unwrap()
                .file_type()
                .is_symlink());
            // Only taken names: a clear error after a few attempts, nothing written.
            let e = store
                .save_with_names("p", &StoredToken::new("OTHER"), &mut || Ok(planted.clone()))
                .unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidInput);
            assert!(e.message().contains("cannot create"), "{}", e.message());
            assert!(!e.message().contains("OTHER"));
            assert_eq!(std::fs::read_to_string(&victim).unwrap(), "victim's data");
            assert_eq!(
                store.load("p").unwrap().unwrap().access_token,
                "SECRET-TOKEN"
            );
            let _ = std::fs::remove_dir_all(&dir);
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
