//! Naming rules: how spec names become Rust identifiers.

/// Rust keywords that can be written as raw identifiers (`r#type`).
const RAW_OK: &[&str] = &[
    "as", "break", "const", "continue", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static",
    "struct", "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn",
    "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized",
    "virtual", "yield", "try", "gen",
];
/// Keywords that cannot be raw identifiers: they get a trailing underscore.
const NO_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Splits a camelCase / PascalCase / kebab / snake / dotted name into lower-case words.
/// Acronyms stay together: `AIStudio` -> `ai`, `studio`; `getUsersMe` -> `get`, `users`, `me`;
/// `v2Users` -> `v2`, `users`.
pub fn words(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    for i in 0..chars.len() {
        let c = chars[i];
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if c.is_ascii_uppercase() && !cur.is_empty() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower)
            {
                out.push(std::mem::take(&mut cur));
            }
        }
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

pub fn snake(s: &str) -> String {
    words(s).join("_")
}

pub fn kebab(s: &str) -> String {
    words(s).join("-")
}

pub fn pascal(s: &str) -> String {
    let mut out = String::new();
    for w in words(s) {
        let mut cs = w.chars();
        if let Some(f) = cs.next() {
            out.push(f.to_ascii_uppercase());
            out.extend(cs);
        }
    }
    out
}

/// A snake_case identifier that is valid Rust: keywords become raw (`r#type`) or get a `_`.
pub fn field_ident(json_name: &str) -> String {
    let mut s = snake(json_name);
    if s.is_empty() {
        s = "value".into();
    }
    if s.as_bytes()[0].is_ascii_digit() {
        s.insert(0, '_');
    }
    ident(s)
}

pub fn ident(s: String) -> String {
    if RAW_OK.contains(&s.as_str()) {
        format!("r#{s}")
    } else if NO_RAW.contains(&s.as_str()) {
        format!("{s}_")
    } else {
        s
    }
}

/// The identifier without a raw prefix, for use inside other names (`set_type`).
pub fn bare(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// Variant name for an enum value: `ON_QUEUE` -> `OnQueue`, `1` -> `V1`, `` -> `Empty`.
pub fn variant(value: &str) -> String {
    let p = pascal(value);
    if p.is_empty() {
        return "Empty".into();
    }
    if p.as_bytes()[0].is_ascii_digit() {
        return format!("V{p}");
    }
    if p == "Self" || p == "Unknown" {
        return format!("{p}Value");
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_like_the_official_sdks() {
        assert_eq!(snake("getUsersMe"), "get_users_me");
        assert_eq!(snake("AIStudio"), "ai_studio");
        assert_eq!(snake("TelephonyProvidersEdge"), "telephony_providers_edge");
        assert_eq!(snake("getScimV2Users"), "get_scim_v2_users");
        assert_eq!(
            snake("getPresenceDefinitions0"),
            "get_presence_definitions0"
        );
        assert_eq!(snake("SCIM"), "scim");
        assert_eq!(snake("edge-id"), "edge_id");
        assert_eq!(kebab("SpeechTextAnalytics"), "speech-text-analytics");
        assert_eq!(pascal("getUsersMe"), "GetUsersMe");
        assert_eq!(
            snake("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"),
            "urn_ietf_params_scim_schemas_extension_enterprise_2_0_user"
        );
    }

    #[test]
    fn keywords_become_valid_identifiers() {
        assert_eq!(field_ident("type"), "r#type");
        assert_eq!(field_ident("self"), "self_");
        assert_eq!(field_ident("$ref"), "r#ref");
        assert_eq!(field_ident("selfUri"), "self_uri");
        assert_eq!(bare("r#type"), "type");
    }

    #[test]
    fn enum_variants() {
        assert_eq!(variant("ON_QUEUE"), "OnQueue");
        assert_eq!(variant("active"), "Active");
        assert_eq!(variant("1"), "V1");
        assert_eq!(variant(""), "Empty");
        assert_eq!(variant("__EMPTY__"), "Empty");
        assert_eq!(variant("Unknown"), "UnknownValue");
    }
}
