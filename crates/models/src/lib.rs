//! Models of the Genesys Cloud Platform API v2: one struct per definition of the API, one enum per
//! enumerated property, generated from the spec, with a fast non-generic JSON codec ([`json`]).
//!
//! Forward compatible by design: every property is an `Option` (a response missing one still
//! decodes), properties the spec doesn't list are kept in `unknown_fields`, and enum values it
//! doesn't list decode as `Unknown(String)` — all written back unchanged.
//!
//! Models are compiled per API group feature (`users`, `routing`, ...): a model is compiled when
//! any enabled group needs it. `notification-events` adds the definitions no operation uses (the
//! Notifications API event bodies); `full` enables everything.

#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod json;

#[allow(
    clippy::all,
    rustdoc::broken_intra_doc_links,
    rustdoc::invalid_html_tags,
    rustdoc::bare_urls
)]
#[rustfmt::skip]
mod generated;
pub use generated::*;
