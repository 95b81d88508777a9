//! Static files (the WASM, JS and CSS in `pkg/`, and `public/`), held in
//! memory with brotli and gzip forms made once at start. Hashed file names
//! under `pkg/` are cached for a year (`immutable`); the rest for an hour.

use axum::body::Body;
use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

struct Asset {
    raw: Bytes,
    br: Option<Bytes>,
    gz: Option<Bytes>,
    content_type: HeaderValue,
    etag: HeaderValue,
    cache: HeaderValue,
}

#[derive(Clone, Default)]
pub struct Assets {
    files: Arc<HashMap<String, Asset>>,
}

fn compressible(ct: &str) -> bool {
    ct.starts_with("text/")
        || ct.contains("javascript")
        || ct.contains("wasm")
        || ct.contains("json")
        || ct.contains("svg")
        || ct.contains("xml")
}

fn brotli(data: &[u8]) -> Option<Bytes> {
    // Quality 11 is slow on multi-megabyte debug builds; those get 5.
    let quality = if data.len() > 2_000_000 { 5 } else { 11 };
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, quality, 22);
        w.write_all(data).ok()?;
    }
    Some(Bytes::from(out))
}

fn gzip(data: &[u8]) -> Option<Bytes> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).ok()?;
    e.finish().ok().map(Bytes::from)
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, std::path::PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(root, &path, out);
        } else if let Ok(rel) = path.strip_prefix(root) {
            let rel = rel.to_string_lossy().replace('\\', "/");
            if rel.ends_with(".br") || rel.ends_with(".gz") {
                continue;
            }
            out.push((format!("/{rel}"), path));
        }
    }
}

impl Assets {
    /// Loads and compresses every file under `site_root`. A missing folder
    /// (tests that do not build the WASM) gives an empty set.
    pub async fn load(site_root: &Path) -> Self {
        let root = site_root.to_path_buf();
        let files = tokio::task::spawn_blocking(move || {
            let mut list = Vec::new();
            walk(&root, &root, &mut list);
            let mut files = HashMap::new();
            for (url, path) in list {
                let Ok(raw) = std::fs::read(&path) else {
                    continue;
                };
                let ct = mime_guess::from_path(&path)
                    .first_or_octet_stream()
                    .to_string();
                let (br, gz) = if compressible(&ct) && raw.len() > 256 {
                    (brotli(&raw), gzip(&raw))
                } else {
                    (None, None)
                };
                let digest = {
                    use sha2::Digest;
                    hex::encode(&sha2::Sha256::digest(&raw)[..12])
                };
                let hashed = url.starts_with("/pkg/") && url.matches('.').count() >= 2;
                let cache = if hashed {
                    "public, max-age=31536000, immutable"
                } else {
                    "public, max-age=3600"
                };
                let content_type = HeaderValue::from_str(&ct)
                    .unwrap_or(HeaderValue::from_static("application/octet-stream"));
                let etag = HeaderValue::from_str(&format!("\"{digest}\""))
                    .unwrap_or(HeaderValue::from_static("\"0\""));
                files.insert(
                    url,
                    Asset {
                        raw: Bytes::from(raw),
                        br,
                        gz,
                        content_type,
                        etag,
                        cache: HeaderValue::from_static(cache),
                    },
                );
            }
            // Compression used large buffers of this thread's heap; give
            // them back now rather than keep them for an idle server.
            super::memory::release_freed();
            files
        })
        .await
        .unwrap_or_default();
        tracing::info!(files = files.len(), "static assets loaded");
        Self {
            files: Arc::new(files),
        }
    }

    /// The response for `path`, or `None` when there is no such file.
    pub fn respond(&self, path: &str, headers: &HeaderMap) -> Option<Response> {
        let a = self.files.get(path)?;
        let mut res = Response::builder()
            .header(header::CONTENT_TYPE, a.content_type.clone())
            .header(header::CACHE_CONTROL, a.cache.clone())
            .header(header::ETAG, a.etag.clone())
            .header(header::VARY, "accept-encoding");
        if headers.get(header::IF_NONE_MATCH) == Some(&a.etag) {
            return res
                .status(StatusCode::NOT_MODIFIED)
                .body(Body::empty())
                .ok();
        }
        let accept = headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let body = if let (true, Some(br)) = (accepts(accept, "br"), &a.br) {
            res = res.header(header::CONTENT_ENCODING, "br");
            br.clone()
        } else if let (true, Some(gz)) = (accepts(accept, "gzip"), &a.gz) {
            res = res.header(header::CONTENT_ENCODING, "gzip");
            gz.clone()
        } else {
            a.raw.clone()
        };
        res.header(header::CONTENT_LENGTH, body.len())
            .body(Body::from(body))
            .ok()
    }
}

fn accepts(header_value: &str, coding: &str) -> bool {
    header_value.split(',').any(|part| {
        let mut it = part.trim().split(';');
        let name = it.next().unwrap_or("").trim();
        let q_zero = it.any(|p| {
            let p = p.trim();
            p == "q=0" || p == "q=0.0" || p == "q=0.00" || p == "q=0.000"
        });
        name.eq_ignore_ascii_case(coding) && !q_zero
    })
}
