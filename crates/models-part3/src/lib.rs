//! Part 3 of the models that only one API group needs, split out of
//! `purecloud-platform-client-v2-models` so that several crates of models compile at once. Use them
//! through `purecloud_platform_client_v2::models`, which re-exports every part.

#![cfg_attr(docsrs, feature(doc_cfg))]

#[allow(
    clippy::all,
    rustdoc::broken_intra_doc_links,
    rustdoc::invalid_html_tags,
    rustdoc::bare_urls
)]
#[rustfmt::skip]
mod generated;
#[allow(unused_imports)] // no models here when none of this part's features is on
pub use generated::*;
