//! Stateless checks shared by the provider and audit messages. Each returns the error that
//! names what was wrong; the message types in [`crate::msg`] are built only through them.

use std::collections::BTreeSet;

use agora_proto::base::v1::{Attribute, GpuClass, Resources};

use crate::resources;
use crate::ProviderError;

/// Most attributes one message (or one record) can carry, whatever the params say.
pub const MAX_ATTRIBUTES: usize = 64;
/// Longest attribute value in bytes, whatever the params say.
pub const MAX_ATTRIBUTE_VALUE_LEN: usize = 256;
/// Most GPU classes in a capacity, whatever the params say.
pub const MAX_GPU_CLASSES: usize = 16;
/// Most storage classes in a capacity, whatever the params say.
pub const MAX_STORAGE_CLASSES: usize = 8;
/// Longest `info.email` in bytes.
pub const MAX_EMAIL_LEN: usize = 254;
/// Longest `info.website` in bytes.
pub const MAX_WEBSITE_LEN: usize = 256;
/// Longest `host_uri` in bytes.
pub const MAX_HOST_URI_LEN: usize = 256;

/// `^[a-zA-Z][\w/.\-]{1,126}$` with `\w` = `[A-Za-z0-9_]`.
pub fn is_valid_attribute_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    match bytes.split_first() {
        Some((first, rest)) => {
            first.is_ascii_alphabetic()
                && (1..=126).contains(&rest.len())
                && rest.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'/' | b'.' | b'-'))
        }
        None => false,
    }
}

/// `^[a-z0-9][a-z0-9._-]{0,63}$`: storage classes and GPU vendor, model and interface.
pub fn is_valid_class_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    match bytes.split_first() {
        Some((first, rest)) => {
            (first.is_ascii_lowercase() || first.is_ascii_digit())
                && rest.len() <= 63
                && rest.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'))
        }
        None => false,
    }
}

pub fn attribute_key(key: &str) -> Result<(), ProviderError> {
    if is_valid_attribute_key(key) {
        Ok(())
    } else {
        Err(ProviderError::InvalidAttributeKey { key: truncate(key) })
    }
}

/// Valid keys, no duplicates, non-empty values of at most 256 bytes, at most 64 of them.
/// Returns the attributes sorted by key.
pub fn attributes(list: Vec<Attribute>) -> Result<Vec<Attribute>, ProviderError> {
    if list.len() > MAX_ATTRIBUTES {
        return Err(ProviderError::TooManyAttributes { count: list.len(), max: MAX_ATTRIBUTES });
    }
    let mut seen = BTreeSet::new();
    for attr in &list {
        attribute_key(&attr.key)?;
        if !seen.insert(attr.key.as_str()) {
            return Err(ProviderError::DuplicateAttributeKey { key: attr.key.clone() });
        }
        if attr.value.is_empty() {
            return Err(ProviderError::EmptyAttributeValue { key: attr.key.clone() });
        }
        if attr.value.len() > MAX_ATTRIBUTE_VALUE_LEN {
            return Err(ProviderError::AttributeValueTooLong {
                key: attr.key.clone(),
                len: attr.value.len(),
                max: MAX_ATTRIBUTE_VALUE_LEN,
            });
        }
    }
    let mut list = list;
    list.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(list)
}

/// Keys to delete: valid, distinct, at most 64. Returned sorted.
pub fn attribute_keys(keys: Vec<String>) -> Result<Vec<String>, ProviderError> {
    if keys.len() > MAX_ATTRIBUTES {
        return Err(ProviderError::TooManyAttributes { count: keys.len(), max: MAX_ATTRIBUTES });
    }
    let mut seen = BTreeSet::new();
    for key in &keys {
        attribute_key(key)?;
        if !seen.insert(key.as_str()) {
            return Err(ProviderError::DuplicateAttributeKey { key: key.clone() });
        }
    }
    let mut keys = keys;
    keys.sort();
    Ok(keys)
}

/// The attribute limits from params (checked in handlers, since params can change).
pub fn attributes_within_params(list: &[Attribute], max_count: u32, max_value_len: u32) -> Result<(), ProviderError> {
    let max_count = max_count as usize;
    if list.len() > max_count {
        return Err(ProviderError::TooManyAttributes { count: list.len(), max: max_count });
    }
    let max_len = max_value_len as usize;
    if let Some(attr) = list.iter().find(|a| a.value.len() > max_len) {
        return Err(ProviderError::AttributeValueTooLong { key: attr.key.clone(), len: attr.value.len(), max: max_len });
    }
    Ok(())
}

/// An absolute `https` URL with a host, an empty path, and no query, fragment or credentials.
pub fn host_uri(uri: &str) -> Result<(), ProviderError> {
    let err = |reason: &str| ProviderError::InvalidHostUri { uri: truncate(uri), reason: reason.to_string() };
    if uri.len() > MAX_HOST_URI_LEN {
        return Err(err(&format!("is longer than {MAX_HOST_URI_LEN} bytes")));
    }
    let url = url::Url::parse(uri).map_err(|e| err(&format!("is not an absolute URL: {e}")))?;
    if url.scheme() != "https" {
        return Err(err("must use https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(err("must have a host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(err("must not carry credentials"));
    }
    if !matches!(url.path(), "" | "/") {
        return Err(err("must have an empty path"));
    }
    if url.query().is_some() {
        return Err(err("must not have a query"));
    }
    if url.fragment().is_some() {
        return Err(err("must not have a fragment"));
    }
    Ok(())
}

pub fn email(email: &str) -> Result<(), ProviderError> {
    if email.len() > MAX_EMAIL_LEN {
        return Err(ProviderError::EmailTooLong { len: email.len() });
    }
    Ok(())
}

/// Empty, or an `http(s)` URL with a host of at most 256 bytes.
pub fn website(website: &str) -> Result<(), ProviderError> {
    if website.is_empty() {
        return Ok(());
    }
    let err = |reason: &str| ProviderError::InvalidWebsite { website: truncate(website), reason: reason.to_string() };
    if website.len() > MAX_WEBSITE_LEN {
        return Err(err(&format!("is longer than {MAX_WEBSITE_LEN} bytes")));
    }
    let url = url::Url::parse(website).map_err(|e| err(&format!("is not an absolute URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(err("must use http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(err("must have a host"));
    }
    Ok(())
}

/// A capacity: positive CPU and memory, valid and distinct class names, positive amounts,
/// at most 16 GPU classes and 8 storage classes. Returned in canonical order.
pub fn capacity(capacity: Option<Resources>) -> Result<Resources, ProviderError> {
    let capacity = capacity.ok_or(ProviderError::MissingCapacity)?;
    if capacity.cpu_millis == 0 {
        return Err(ProviderError::ZeroCapacity { field: "cpu_millis".into() });
    }
    if capacity.memory_bytes == 0 {
        return Err(ProviderError::ZeroCapacity { field: "memory_bytes".into() });
    }
    if capacity.storage.len() > MAX_STORAGE_CLASSES {
        return Err(ProviderError::TooManyStorageClasses { count: capacity.storage.len(), max: MAX_STORAGE_CLASSES });
    }
    if capacity.gpus.len() > MAX_GPU_CLASSES {
        return Err(ProviderError::TooManyGpuClasses { count: capacity.gpus.len(), max: MAX_GPU_CLASSES });
    }
    let mut storage_seen = BTreeSet::new();
    for (i, s) in capacity.storage.iter().enumerate() {
        class_name(&format!("capacity.storage[{i}].class"), &s.class)?;
        if s.bytes == 0 {
            return Err(ProviderError::ZeroCapacity { field: format!("storage[{i}].bytes ({})", s.class) });
        }
        if !storage_seen.insert(s.class.as_str()) {
            return Err(ProviderError::DuplicateStorageClass { class: s.class.clone() });
        }
    }
    let mut gpu_seen = BTreeSet::new();
    for (i, g) in capacity.gpus.iter().enumerate() {
        gpu_class(i, g)?;
        if !gpu_seen.insert(resources::gpu_key(g)) {
            return Err(ProviderError::DuplicateGpuClass { class: resources::gpu_label(g) });
        }
    }
    resources::normalize(&capacity)
}

fn gpu_class(i: usize, g: &GpuClass) -> Result<(), ProviderError> {
    class_name(&format!("capacity.gpus[{i}].vendor"), &g.vendor)?;
    class_name(&format!("capacity.gpus[{i}].model"), &g.model)?;
    class_name(&format!("capacity.gpus[{i}].interface"), &g.interface)?;
    if g.vram_gib == 0 {
        return Err(ProviderError::ZeroCapacity { field: format!("gpus[{i}].vram_gib") });
    }
    if g.count == 0 {
        return Err(ProviderError::ZeroCapacity { field: format!("gpus[{i}].count") });
    }
    Ok(())
}

fn class_name(field: &str, name: &str) -> Result<(), ProviderError> {
    if is_valid_class_name(name) {
        Ok(())
    } else {
        Err(ProviderError::InvalidClassName { field: field.to_string(), name: truncate(name) })
    }
}

/// Class counts from params (checked in handlers).
pub fn capacity_within_params(capacity: &Resources, max_gpu: u32, max_storage: u32) -> Result<(), ProviderError> {
    let (max_gpu, max_storage) = (max_gpu as usize, max_storage as usize);
    if capacity.gpus.len() > max_gpu {
        return Err(ProviderError::TooManyGpuClasses { count: capacity.gpus.len(), max: max_gpu });
    }
    if capacity.storage.len() > max_storage {
        return Err(ProviderError::TooManyStorageClasses { count: capacity.storage.len(), max: max_storage });
    }
    Ok(())
}

/// Caps user text quoted back in an error, so logs stay bounded (on a char boundary).
pub(crate) fn truncate(s: &str) -> String {
    const MAX: usize = 300;
    if s.len() <= MAX {
        return s.to_string();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_keys_follow_the_pattern() {
        for ok in ["region", "ab", "a1", "capabilities/gpu.vendor-x_y", &format!("a{}", "b".repeat(126))] {
            assert!(is_valid_attribute_key(ok), "{ok}");
        }
        for bad in ["", "a", "1abc", "_ab", "a b", "a:b", "é1", &format!("a{}", "b".repeat(127))] {
            assert!(!is_valid_attribute_key(bad), "{bad}");
        }
    }

    #[test]
    fn class_names_follow_the_pattern() {
        for ok in ["a", "0", "nvme", "a100", "h100-sxm5", "x.y_z", &"a".repeat(64)] {
            assert!(is_valid_class_name(ok), "{ok}");
        }
        for bad in ["", "A100", "-a", ".a", "a b", "a/b", "a\0b", &"a".repeat(65)] {
            assert!(!is_valid_class_name(bad), "{bad}");
        }
    }

    #[test]
    fn host_uris_must_be_bare_https_origins() {
        for ok in ["https://provider.example.com", "https://provider.example.com/", "https://1.2.3.4:8443"] {
            assert!(host_uri(ok).is_ok(), "{ok}");
        }
        let reason = |uri: &str| match host_uri(uri) {
            Err(ProviderError::InvalidHostUri { reason, .. }) => reason,
            other => panic!("{uri}: {other:?}"),
        };
        assert_eq!(reason("http://x.example"), "must use https");
        assert_eq!(reason("https://x.example/api"), "must have an empty path");
        assert_eq!(reason("https://x.example/?a=1"), "must not have a query");
        assert_eq!(reason("https://x.example/#f"), "must not have a fragment");
        assert_eq!(reason("https://u:p@x.example"), "must not carry credentials");
        assert!(reason("x.example").starts_with("is not an absolute URL"));
        assert!(reason("").starts_with("is not an absolute URL"));
        assert!(reason(&format!("https://{}.com", "a".repeat(300))).starts_with("is longer than"));
        let msg = host_uri("http://x").unwrap_err().to_string();
        assert_eq!(msg, "host_uri \"http://x\" must use https");
    }

    #[test]
    fn websites_are_empty_or_http_urls() {
        assert!(website("").is_ok());
        assert!(website("http://example.com/about").is_ok());
        assert!(website("https://example.com").is_ok());
        assert!(matches!(website("ftp://example.com"), Err(ProviderError::InvalidWebsite { .. })));
        assert!(matches!(website("example.com"), Err(ProviderError::InvalidWebsite { .. })));
        assert!(matches!(website(&format!("https://e.com/{}", "a".repeat(300))), Err(ProviderError::InvalidWebsite { .. })));
        assert!(email(&"a".repeat(254)).is_ok());
        assert!(matches!(email(&"a".repeat(255)), Err(ProviderError::EmailTooLong { len: 255 })));
    }

    #[test]
    fn truncate_respects_char_boundaries() {
        let s = "é".repeat(400);
        let t = truncate(&s);
        assert!(t.len() <= 304);
    }
}
