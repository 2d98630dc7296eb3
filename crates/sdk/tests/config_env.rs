//! `GENESYSCLOUD_CONFIG_FILE` and the `GENESYSCLOUD_<SECTION>_<KEY>` overrides, alone in their
//! test binary because environment variables are process-wide.

use purecloud_platform_client_v2::Client;
use std::path::PathBuf;

fn write(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("purecloud-sdk-config-env-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// The only test of this binary: it sets process-wide environment variables.
#[test]
fn environment_variables_name_the_file_and_override_keys() {
    let p = write(
        "from-env",
        "[general]\nhost = mypurecloud.de\n[retry]\nretry_max = 7\n",
    );
    std::env::set_var("GENESYSCLOUD_CONFIG_FILE", &p);
    std::env::set_var("GENESYSCLOUD_RETRY_RETRY_MAX", "3");
    let c = Client::builder().build();
    let skipped = Client::builder().no_config_file().build();
    std::env::set_var("GENESYSCLOUD_RETRY_RETRY_MAX", "three");
    let bad = Client::builder().build();
    std::env::remove_var("GENESYSCLOUD_RETRY_RETRY_MAX");
    std::env::set_var("GENESYSCLOUD_CONFIG_FILE", "/nonexistent/genesys/config");
    let missing = Client::builder().build();
    std::env::remove_var("GENESYSCLOUD_CONFIG_FILE");

    let c = c.unwrap();
    assert_eq!(c.environment(), "mypurecloud.de");
    assert_eq!(
        c.retry_config().max_retries,
        3,
        "the variable wins over the file"
    );
    assert_eq!(skipped.unwrap().environment(), "mypurecloud.com");
    assert!(bad
        .unwrap_err()
        .message()
        .contains("GENESYSCLOUD_RETRY_RETRY_MAX"));
    assert!(missing
        .unwrap_err()
        .message()
        .contains("/nonexistent/genesys/config"));
}
