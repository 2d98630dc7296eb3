// The page's settings (run.sh and the tests write their own into dist/).
// Against the simulator: baseUrl. Against Genesys Cloud: environment ("mypurecloud.ie", ...) and
// the client id of an OAuth client with the implicit grant (token implicit grant) or PKCE, whose
// redirect URIs list this page's URLs (index.html, pkce.html).
window.PURECLOUD_CONFIG = {
  baseUrl: "http://127.0.0.1:9000",
  // environment: "mypurecloud.com",
  clientId: "sim-client-id",
};
