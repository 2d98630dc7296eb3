//! Environments (regions), the gateway override, and the login and API base URLs they give.

use super::error::{Error, ErrorKind};
use std::fmt;
use std::str::FromStr;

/// The Genesys Cloud regions, named as in the official SDKs (`PureCloudRegionHosts.us_east_1`).
/// Each has an environment (`mypurecloud.ie`): the API is at `https://api.<env>` and the login
/// service at `https://login.<env>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Region {
    /// `mypurecloud.com` (Americas, US East; the default).
    UsEast1,
    /// `mypurecloud.ie` (EMEA, Dublin).
    EuWest1,
    /// `mypurecloud.com.au` (Asia Pacific, Sydney).
    ApSoutheast2,
    /// `mypurecloud.jp` (Asia Pacific, Tokyo).
    ApNortheast1,
    /// `mypurecloud.de` (EMEA, Frankfurt).
    EuCentral1,
    /// `usw2.pure.cloud` (Americas, US West).
    UsWest2,
    /// `cac1.pure.cloud` (Americas, Canada).
    CaCentral1,
    /// `apne2.pure.cloud` (Asia Pacific, Seoul).
    ApNortheast2,
    /// `euw2.pure.cloud` (EMEA, London).
    EuWest2,
    /// `aps1.pure.cloud` (Asia Pacific, Mumbai).
    ApSouth1,
    /// `use2.us-gov-pure.cloud` (Americas, FedRAMP).
    UsEast2,
    /// `sae1.pure.cloud` (Americas, São Paulo).
    SaEast1,
    /// `mec1.pure.cloud` (Middle East, UAE).
    MeCentral1,
    /// `apne3.pure.cloud` (Asia Pacific, Osaka).
    ApNortheast3,
    /// `euc2.pure.cloud` (EMEA, Zurich).
    EuCentral2,
    /// `mxc1.pure.cloud` (Americas, Mexico).
    MxCentral1,
    /// `apse1.pure.cloud` (Asia Pacific, South East).
    ApSoutheast1,
    /// `edee1.eusc-pure.cloud` (EU sovereign cloud, Germany).
    EuscDeEast1,
}

impl Region {
    /// Every region, in the official SDKs' order.
    pub const ALL: [Region; 18] = [
        Region::UsEast1,
        Region::EuWest1,
        Region::ApSoutheast2,
        Region::ApNortheast1,
        Region::EuCentral1,
        Region::UsWest2,
        Region::CaCentral1,
        Region::ApNortheast2,
        Region::EuWest2,
        Region::ApSouth1,
        Region::UsEast2,
        Region::SaEast1,
        Region::MeCentral1,
        Region::ApNortheast3,
        Region::EuCentral2,
        Region::MxCentral1,
        Region::ApSoutheast1,
        Region::EuscDeEast1,
    ];

    /// The environment host (`mypurecloud.ie`).
    pub fn environment(self) -> &'static str {
        match self {
            Region::UsEast1 => "mypurecloud.com",
            Region::EuWest1 => "mypurecloud.ie",
            Region::ApSoutheast2 => "mypurecloud.com.au",
            Region::ApNortheast1 => "mypurecloud.jp",
            Region::EuCentral1 => "mypurecloud.de",
            Region::UsWest2 => "usw2.pure.cloud",
            Region::CaCentral1 => "cac1.pure.cloud",
            Region::ApNortheast2 => "apne2.pure.cloud",
            Region::EuWest2 => "euw2.pure.cloud",
            Region::ApSouth1 => "aps1.pure.cloud",
            Region::UsEast2 => "use2.us-gov-pure.cloud",
            Region::SaEast1 => "sae1.pure.cloud",
            Region::MeCentral1 => "mec1.pure.cloud",
            Region::ApNortheast3 => "apne3.pure.cloud",
            Region::EuCentral2 => "euc2.pure.cloud",
            Region::MxCentral1 => "mxc1.pure.cloud",
            Region::ApSoutheast1 => "apse1.pure.cloud",
            Region::EuscDeEast1 => "edee1.eusc-pure.cloud",
        }
    }

    /// The official SDKs' name (`us_east_1`).
    pub fn name(self) -> &'static str {
        match self {
            Region::UsEast1 => "us_east_1",
            Region::EuWest1 => "eu_west_1",
            Region::ApSoutheast2 => "ap_southeast_2",
            Region::ApNortheast1 => "ap_northeast_1",
            Region::EuCentral1 => "eu_central_1",
            Region::UsWest2 => "us_west_2",
            Region::CaCentral1 => "ca_central_1",
            Region::ApNortheast2 => "ap_northeast_2",
            Region::EuWest2 => "eu_west_2",
            Region::ApSouth1 => "ap_south_1",
            Region::UsEast2 => "us_east_2",
            Region::SaEast1 => "sa_east_1",
            Region::MeCentral1 => "me_central_1",
            Region::ApNortheast3 => "ap_northeast_3",
            Region::EuCentral2 => "eu_central_2",
            Region::MxCentral1 => "mx_central_1",
            Region::ApSoutheast1 => "ap_southeast_1",
            Region::EuscDeEast1 => "eusc_de_east_1",
        }
    }

    /// `https://api.<env>`.
    pub fn api_base_url(self) -> String {
        format!("https://api.{}", self.environment())
    }

    /// `https://login.<env>`.
    pub fn login_base_url(self) -> String {
        format!("https://login.{}", self.environment())
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Region {
    type Err = Error;

    /// Accepts the official name (`eu_west_1`, `eu-west-1`, any case) or the environment
    /// (`mypurecloud.ie`, `https://api.mypurecloud.ie`).
    fn from_str(s: &str) -> Result<Region, Error> {
        let key = s.trim().to_ascii_lowercase().replace('-', "_");
        if let Some(r) = Region::ALL.iter().find(|r| r.name() == key) {
            return Ok(*r);
        }
        if let Ok(env) = normalize_environment(s) {
            if let Some(r) = Region::ALL.iter().find(|r| r.environment() == env) {
                return Ok(*r);
            }
        }
        Err(Error::new(
            ErrorKind::InvalidInput,
            format!("unknown region {s:?}: expected a name such as \"eu_west_1\" or an environment such as \"mypurecloud.ie\""),
        ))
    }
}

/// Normalises an environment the way the official SDKs do (strip the scheme, trailing slashes
/// and a leading `api.`): `https://api.mypurecloud.ie/` and `mypurecloud.ie` are both
/// `mypurecloud.ie`. An empty or malformed value is an [`ErrorKind::InvalidInput`] error.
pub fn normalize_environment(env: &str) -> Result<String, Error> {
    let mut e = env.trim();
    for scheme in ["https://", "http://"] {
        if let Some(rest) = e.strip_prefix(scheme) {
            e = rest;
        }
    }
    let e = e.trim_end_matches('/');
    let e = e.strip_prefix("api.").unwrap_or(e);
    let valid = !e.is_empty()
        && e.contains('.')
        && !e.starts_with('.')
        && !e.ends_with('.')
        && !e.contains("..")
        && e.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == ':');
    if !valid {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("invalid environment {env:?}: expected a host such as \"mypurecloud.ie\""),
        ));
    }
    Ok(e.to_ascii_lowercase())
}

/// An API gateway in front of Genesys Cloud (the official SDKs' `setGateway`): login and API
/// requests go to `protocol://host[:port][/path_params_login]` and
/// `protocol://host[:port][/path_params_api]` instead of the environment's hosts. Also how the
/// local simulator is reached.
///
/// ```
/// use purecloud_platform_client_v2::Gateway;
/// let g = Gateway::new("gw.example.com").port(1443).login_path("login").api_path("api");
/// assert_eq!(g.login_base_url().unwrap(), "https://gw.example.com:1443/login");
/// assert_eq!(g.api_base_url().unwrap(), "https://gw.example.com:1443/api");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Gateway {
    /// Host name or IP address (`[::1]` for IPv6).
    pub host: String,
    /// `https` (the default when empty) or `http`.
    pub protocol: String,
    /// The port, when not the protocol's default.
    pub port: Option<u16>,
    /// A path prefix for login requests (`/oauth/token` is appended).
    pub path_params_login: String,
    /// A path prefix for API requests (`/api/v2/...` is appended).
    pub path_params_api: String,
}

impl Gateway {
    /// A gateway at `host` over https on the default port, without path prefixes.
    pub fn new(host: impl Into<String>) -> Self {
        Gateway {
            host: host.into(),
            ..Gateway::default()
        }
    }

    /// The protocol (`http` or `https`).
    pub fn protocol(mut self, protocol: impl Into<String>) -> Self {
        self.protocol = protocol.into();
        self
    }

    /// The port.
    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    /// The path prefix of login requests.
    pub fn login_path(mut self, path: impl Into<String>) -> Self {
        self.path_params_login = path.into();
        self
    }

    /// The path prefix of API requests.
    pub fn api_path(mut self, path: impl Into<String>) -> Self {
        self.path_params_api = path.into();
        self
    }

    /// The base URL of login requests, or an error naming the bad field.
    pub fn login_base_url(&self) -> Result<String, Error> {
        self.url(&self.path_params_login, "path_params_login")
    }

    /// The base URL of API requests, or an error naming the bad field.
    pub fn api_base_url(&self) -> Result<String, Error> {
        self.url(&self.path_params_api, "path_params_api")
    }

    fn url(&self, path: &str, field: &str) -> Result<String, Error> {
        let bad =
            |what: String| Error::new(ErrorKind::InvalidInput, format!("invalid gateway: {what}"));
        let protocol = match self.protocol.trim().to_ascii_lowercase().as_str() {
            "" | "https" => "https",
            "http" => "http",
            other => {
                return Err(bad(format!(
                    "protocol {other:?} (expected \"https\" or \"http\")"
                )))
            }
        };
        let host = self.host.trim();
        let ipv6 = host.starts_with('[') && host.ends_with(']') && host.len() > 2;
        let host_ok = !host.is_empty()
            && (ipv6
                || host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_'));
        if !host_ok {
            return Err(bad(format!(
                "host {host:?} (expected a host name or address, without scheme, port or path)"
            )));
        }
        let mut url = format!("{protocol}://{host}");
        if let Some(p) = self.port {
            url.push_str(&format!(":{p}"));
        }
        let path = path.trim().trim_matches('/');
        if !path.is_empty() {
            if path
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '?' | '#' | '\\'))
            {
                return Err(bad(format!(
                    "{field} {path:?} (no spaces, '?', '#' or '\\')"
                )));
            }
            url.push('/');
            url.push_str(path);
        }
        Ok(url)
    }
}

/// Where requests go: the login and API base URLs (no trailing slash).
#[derive(Clone, Debug)]
pub(crate) struct Endpoints {
    pub api_base: String,
    pub login_base: String,
}

impl Endpoints {
    pub(crate) fn for_environment(env: &str) -> Result<Endpoints, Error> {
        let environment = normalize_environment(env)?;
        Ok(Endpoints {
            api_base: format!("https://api.{environment}"),
            login_base: format!("https://login.{environment}"),
        })
    }

    pub(crate) fn for_gateway(g: &Gateway) -> Result<Endpoints, Error> {
        Ok(Endpoints {
            api_base: g.api_base_url()?,
            login_base: g.login_base_url()?,
        })
    }
}

/// Checks and normalises a base URL given directly (`http://127.0.0.1:8080`, a gateway URL).
pub(crate) fn check_base_url(url: &str, what: &str) -> Result<String, Error> {
    let u = url.trim().trim_end_matches('/');
    let rest = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"));
    let ok = match rest {
        Some(r) => {
            let host = r.split('/').next().unwrap_or("");
            !host.is_empty()
                && !r
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control() || c == '?' || c == '#')
        }
        None => false,
    };
    if !ok {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("invalid {what} {url:?}: expected http(s)://host[:port][/prefix]"),
        ));
    }
    Ok(u.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environments_are_normalised_like_the_official_sdk() {
        for e in [
            "mypurecloud.ie",
            "https://api.mypurecloud.ie/",
            "api.mypurecloud.ie",
            " MyPureCloud.ie ",
            "http://mypurecloud.ie//",
        ] {
            assert_eq!(normalize_environment(e).unwrap(), "mypurecloud.ie", "{e}");
        }
        for bad in [
            "",
            "   ",
            "https://",
            "not a host",
            "localhost",
            ".com",
            "a..b",
            "x.y/z",
            "api.",
        ] {
            let err = normalize_environment(bad).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{bad}");
            assert!(err.message().contains("environment"), "{bad}");
        }
    }

    #[test]
    fn eighteen_regions_with_their_hosts() {
        assert_eq!(Region::ALL.len(), 18);
        let mut envs: Vec<_> = Region::ALL.iter().map(|r| r.environment()).collect();
        envs.sort();
        envs.dedup();
        assert_eq!(envs.len(), 18);
        assert_eq!(Region::EuWest1.api_base_url(), "https://api.mypurecloud.ie");
        assert_eq!(
            Region::UsEast2.login_base_url(),
            "https://login.use2.us-gov-pure.cloud"
        );
        assert_eq!(Region::EuscDeEast1.environment(), "edee1.eusc-pure.cloud");
        for r in Region::ALL {
            assert_eq!(r.name().parse::<Region>().unwrap(), r);
            assert_eq!(
                r.name()
                    .replace('_', "-")
                    .to_uppercase()
                    .parse::<Region>()
                    .unwrap(),
                r
            );
            assert_eq!(r.environment().parse::<Region>().unwrap(), r);
            assert_eq!(
                normalize_environment(r.environment()).unwrap(),
                r.environment()
            );
        }
        assert_eq!(
            "https://api.mypurecloud.jp/".parse::<Region>().unwrap(),
            Region::ApNortheast1
        );
        assert!("mars_north_1"
            .parse::<Region>()
            .unwrap_err()
            .message()
            .contains("mars_north_1"));
    }

    #[test]
    fn gateway_urls() {
        let g = Gateway::new("gw.example.com");
        assert_eq!(g.api_base_url().unwrap(), "https://gw.example.com");
        let g = Gateway::new("127.0.0.1")
            .protocol("HTTP")
            .port(9000)
            .login_path("/login/")
            .api_path("a/b/");
        assert_eq!(g.login_base_url().unwrap(), "http://127.0.0.1:9000/login");
        assert_eq!(g.api_base_url().unwrap(), "http://127.0.0.1:9000/a/b");
        assert!(Gateway::new("")
            .api_base_url()
            .unwrap_err()
            .message()
            .contains("host"));
        assert!(Gateway::new("https://x.com").api_base_url().is_err());
        assert!(Gateway::new("x.com")
            .protocol("ftp")
            .api_base_url()
            .unwrap_err()
            .message()
            .contains("ftp"));
        assert!(Gateway::new("x.com")
            .api_path("a b")
            .api_base_url()
            .unwrap_err()
            .message()
            .contains("path_params_api"));
        assert_eq!(
            Gateway::new("[::1]").port(1).api_base_url().unwrap(),
            "https://[::1]:1"
        );
    }

    #[test]
    fn base_urls() {
        assert_eq!(
            check_base_url("http://127.0.0.1:9/", "base URL").unwrap(),
            "http://127.0.0.1:9"
        );
        for bad in ["ftp://x", "https://", "x.com", "http:// x", "http://x?y"] {
            assert!(check_base_url(bad, "base URL").is_err(), "{bad}");
        }
    }
}
