//! The built-in transport's options over real connections: a proxy (with authentication), mTLS
//! against a local TLS server that requires client certificates (verification stays on), bad
//! certificates; default and per-request headers; pre/post hooks; timeouts.

mod capture;

use base64::Engine as _;
use capture::{Capture, Reply};
use purecloud_platform_client_v2::api::AuthorizationApi;
use purecloud_platform_client_v2::runtime::{
    BoxFuture, HttpRequest, HttpResponse, HttpTransport, TransportError,
};
use purecloud_platform_client_v2::{
    Client, Error, ErrorKind, MemoryTokenStore, ProxyConfig, RequestBuilder,
};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_rustls::rustls;

fn builder(base: &str) -> purecloud_platform_client_v2::ClientBuilder {
    Client::builder()
        .base_url(base)
        .no_config_file()
        .token_store(Arc::new(MemoryTokenStore::new()))
        .access_token("T")
}

async fn get(c: &Client) -> Result<(), Error> {
    AuthorizationApi::new(c)
        .get_authorization_permissions()
        .send()
        .await
        .map(drop)
}

fn ok() -> Reply {
    Reply::json(200, r#"{"entities":[]}"#)
}

#[tokio::test]
async fn requests_go_through_the_proxy_with_its_credentials() {
    let proxy = Capture::start(|_| ok()).await;
    let c = builder("http://api.example.invalid")
        .proxy(ProxyConfig::new(proxy.url()).with_auth("proxy-user", "PROXY-PASSWORD-1"))
        .build()
        .unwrap();
    get(&c).await.unwrap();
    let r = &proxy.requests()[0];
    assert_eq!(
        r.uri,
        "http://api.example.invalid/api/v2/authorization/permissions"
    );
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("proxy-user:PROXY-PASSWORD-1")
    );
    assert_eq!(r.header("proxy-authorization"), Some(expected.as_str()));
    assert_eq!(r.bearer(), Some("T"));
    assert!(!format!(
        "{:?}",
        ProxyConfig::new("http://p").with_auth("u", "PROXY-PASSWORD-1")
    )
    .contains("PROXY-PASSWORD-1"));
    // Changed at run time, and removed.
    let other = Capture::start(|_| ok()).await;
    c.set_proxy(Some(ProxyConfig::new(other.url()))).unwrap();
    get(&c).await.unwrap();
    assert_eq!(other.requests().len(), 1);
    assert!(other.requests()[0].header("proxy-authorization").is_none());
    let e = c
        .set_proxy(Some(ProxyConfig::new("not a url")))
        .unwrap_err();
    assert!(e.message().contains("proxy"), "{}", e.message());
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/mtls")
        .join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap()
}

/// An HTTPS server that requires a client certificate signed by the test CA; answers 200 with
/// the client certificate's size.
async fn mtls_server() -> std::net::SocketAddr {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(&read("ca.pem")).unwrap())
        .unwrap();
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .build()
    .unwrap();
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&read("server.pem"))
        .collect::<Result<_, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_slice(&read("server.key")).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let svc = hyper::service::service_fn(|_req| async {
                    Ok::<_, std::convert::Infallible>(
                        hyper::Response::builder()
                            .header("content-type", "application/json")
                            .body(http_body_util::Full::new(bytes::Bytes::from_static(
                                b"{\"entities\":[]}",
                            )))
                            .unwrap(),
                    )
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(tls), svc)
                    .await;
            });
        }
    });
    addr
}

#[tokio::test]
async fn mtls_presents_the_client_certificate_and_verifies_the_server() {
    let addr = mtls_server().await;
    let base = format!("https://127.0.0.1:{}", addr.port());
    let no_retry = purecloud_platform_client_v2::RetryConfig::disabled();

    // Certificate, key and the CA that signed the server: the handshake succeeds.
    let c = builder(&base)
        .retry(no_retry.clone())
        .mtls_contents(
            &read("client.pem"),
            &read("client.key"),
            Some(&read("ca.pem")),
        )
        .build()
        .unwrap();
    get(&c).await.unwrap();
    // The same from files, set at run time.
    let c = builder(&base).retry(no_retry.clone()).build().unwrap();
    assert_eq!(
        get(&c).await.unwrap_err().kind(),
        ErrorKind::Transport,
        "the server's CA is not trusted yet"
    );
    c.set_mtls_certificates(
        fixture("client.pem"),
        fixture("client.key"),
        Some(&fixture("ca.pem")),
    )
    .unwrap();
    get(&c).await.unwrap();

    // Without a client certificate the server refuses the handshake.
    let c = builder(&base)
        .retry(no_retry.clone())
        .add_ca_certificate(&read("ca.pem"))
        .build()
        .unwrap();
    assert_eq!(get(&c).await.unwrap_err().kind(), ErrorKind::Transport);
    // Verification stays on: trusting another CA is not enough.
    let c = builder(&base)
        .retry(no_retry.clone())
        .mtls_contents(
            &read("client.pem"),
            &read("client.key"),
            Some(&read("other-ca.pem")),
        )
        .build()
        .unwrap();
    let e = get(&c).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
}

#[tokio::test]
async fn bad_certificates_are_clear_errors() {
    let e = builder("https://x.example")
        .mtls_contents(b"not pem", b"nor this", None)
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.message().contains("mTLS"), "{}", e.message());
    let e = builder("https://x.example")
        .mtls_contents(&read("client.pem"), b"", None)
        .build()
        .unwrap_err();
    assert!(e.message().contains("mTLS"), "{}", e.message());
    let e = builder("https://x.example")
        .add_ca_certificate(b"-----BEGIN NOPE-----")
        .build()
        .unwrap_err();
    assert!(e.message().contains("CA certificate"), "{}", e.message());
    let e = builder("https://x.example")
        .mtls_certificates("/nonexistent/client.pem", fixture("client.key"), None)
        .build()
        .unwrap_err();
    assert!(
        e.message().contains("/nonexistent/client.pem"),
        "{}",
        e.message()
    );
    let c = builder("https://x.example").build().unwrap();
    assert!(c.set_mtls_contents(b"x", b"y", None).is_err());
}

struct Null;
impl HttpTransport for Null {
    fn send(&self, _: HttpRequest) -> BoxFuture<'static, Result<HttpResponse, TransportError>> {
        Box::pin(async { Ok(HttpResponse::new(200, http::HeaderMap::new(), "{}")) })
    }
}

#[tokio::test]
async fn transport_options_do_not_apply_to_a_custom_transport() {
    let e = builder("http://x")
        .transport(Arc::new(Null))
        .proxy(ProxyConfig::new("http://p:1"))
        .build()
        .unwrap_err();
    assert!(e.message().contains("custom"), "{}", e.message());
    let c = builder("http://x")
        .transport(Arc::new(Null))
        .build()
        .unwrap();
    assert!(c.set_connect_timeout(Some(Duration::from_secs(1))).is_err());
    get(&c).await.unwrap();
}

#[tokio::test]
async fn headers_hooks_and_sdk_identification() {
    let cap = Capture::start(|_| ok()).await;
    let c = builder(&cap.url())
        .default_header("x-app", "demo")
        .build()
        .unwrap();
    c.set_default_header("x-team", "core").unwrap();
    let seen: Arc<Mutex<Vec<(String, u16)>>> = Arc::default();
    let s2 = seen.clone();
    c.add_pre_request_hook(|r| {
        r.headers.insert("x-hooked", "yes".parse().unwrap());
        Ok(())
    });
    c.add_post_request_hook(move |req, resp| {
        s2.lock()
            .unwrap()
            .push((req.url.clone(), resp.map(|r| r.status).unwrap_or(0)));
    });
    AuthorizationApi::new(&c)
        .get_authorization_permissions()
        .with_header("x-request", "one")
        .send()
        .await
        .unwrap();
    let r = &cap.requests()[0];
    assert_eq!(r.header("x-app"), Some("demo"));
    assert_eq!(r.header("x-team"), Some("core"));
    assert_eq!(r.header("x-hooked"), Some("yes"));
    assert_eq!(r.header("x-request"), Some("one"));
    assert_eq!(r.header("purecloud-sdk"), Some(env!("CARGO_PKG_VERSION")));
    assert_eq!(
        r.header("user-agent"),
        Some(concat!("PureCloud SDK/rust ", env!("CARGO_PKG_VERSION")))
    );
    assert_eq!(seen.lock().unwrap().len(), 1);
    assert_eq!(seen.lock().unwrap()[0].1, 200);

    // A hook can refuse a request; the call returns its error, nothing is sent.
    c.add_pre_request_hook(|_| Err(Error::new(ErrorKind::InvalidInput, "blocked by policy")));
    let e = get(&c).await.unwrap_err();
    assert!(e.message().contains("blocked by policy"));
    assert_eq!(cap.requests().len(), 1);
    c.clear_hooks();
    c.remove_default_header("x-team");
    get(&c).await.unwrap();
    assert!(cap.requests()[1].header("x-team").is_none());
    assert!(cap.requests()[1].header("x-hooked").is_none());
    // Invalid per-request headers are refused before sending.
    for (k, v) in [("bad name", "v"), ("x-ok", "a\nb"), ("", "v")] {
        let e = AuthorizationApi::new(&c)
            .get_authorization_permissions()
            .with_header(k, v)
            .send()
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{k}");
    }
    assert_eq!(cap.requests().len(), 2);
}

#[tokio::test]
async fn the_client_timeout_applies_to_each_request() {
    let mut slow = ok();
    slow.delay = Some(Duration::from_secs(5));
    let cap = Capture::start(move |_| slow.clone()).await;
    let c = builder(&cap.url())
        .timeout(Duration::from_millis(200))
        .connect_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let e = get(&c).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    c.set_timeout(None);
    let e = AuthorizationApi::new(&c)
        .get_authorization_permissions()
        .with_timeout(Duration::from_millis(100))
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
}

/// A one-connection HTTP/1.1 server that answers the first request with `head` and then writes
/// `body` in pieces of `piece` bytes (so the client sees many chunks), then closes.
async fn raw_server(head: String, body: Vec<u8>, piece: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut req = Vec::new();
        let mut buf = [0u8; 4096];
        while !req.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = sock.read(&mut buf).await.unwrap();
            if n == 0 {
                return;
            }
            req.extend_from_slice(&buf[..n]);
        }
        sock.write_all(head.as_bytes()).await.unwrap();
        for p in body.chunks(piece) {
            if sock.write_all(p).await.is_err() {
                return;
            }
            sock.flush().await.unwrap();
            tokio::task::yield_now().await;
        }
        let _ = sock.shutdown().await;
    });
    format!("http://{addr}")
}

/// A listing of `n` permission collections, more than the transport's preallocation threshold.
fn big_listing(n: usize) -> Vec<u8> {
    let items: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"id":"id-{i}","domain":"domain-{i}"}}"#))
        .collect();
    format!(r#"{{"entities":[{}],"total":{n}}}"#, items.join(",")).into_bytes()
}

#[tokio::test]
async fn large_bodies_arrive_whole_with_and_without_a_length() {
    let body = big_listing(5_000);
    assert!(body.len() > 128 * 1024, "{}", body.len());
    let with_length = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let chunked_head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n".to_owned();
    let mut chunked = Vec::new();
    for p in body.chunks(7_000) {
        chunked.extend_from_slice(format!("{:x}\r\n", p.len()).as_bytes());
        chunked.extend_from_slice(p);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    for (head, wire) in [(with_length, body.clone()), (chunked_head, chunked)] {
        let base = raw_server(head, wire, 3_000).await;
        let c = builder(&base)
            .retry(purecloud_platform_client_v2::RetryConfig::disabled())
            .build()
            .unwrap();
        let r = AuthorizationApi::new(&c)
            .get_authorization_permissions()
            .send_extended()
            .await
            .unwrap();
        assert_eq!(r.text(), std::str::from_utf8(&body).unwrap());
        let listing = &r.body;
        let entities = listing.entities.as_ref().unwrap();
        assert_eq!(entities.len(), 5_000);
        assert_eq!(entities[4_999].domain.as_deref(), Some("domain-4999"));
    }
}

#[tokio::test]
async fn a_body_shorter_than_its_length_is_a_transport_error() {
    let body = big_listing(5_000);
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len() + 10
    );
    let base = raw_server(head, body, 3_000).await;
    let c = builder(&base)
        .retry(purecloud_platform_client_v2::RetryConfig::disabled())
        .build()
        .unwrap();
    let e = get(&c).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
}
