//! Media the browser holds as a `Blob` (a `/view` download), made ready for the media
//! store by the browser's own asynchronous machinery: `FileReader` encodes the data URL
//! and `SubtleCrypto` hashes the bytes, both off the main thread. Done in wasm, a 20 MB
//! video meant copying it into wasm memory, base64 in a single task and decoding it again
//! to hash it: close to a second with the page frozen (benchmark P2).

use js_sys::{ArrayBuffer, JsString, Promise, Uint8Array};
use sha2::{Digest, Sha256};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, FileReader};

use super::media::lowercase_hex;

/// What `Storage::put_browser_media` stores: the same record, under the same id
/// (sha-256 of the bytes), as `Storage::put_media` would for these bytes.
pub struct BrowserMedia {
    pub(super) mime: String,
    /// `data:<mime>;base64,<bytes>`, as the JS string `FileReader` made.
    pub(super) data_url: JsValue,
    pub(super) bytes: u64,
    /// Lowercase hex of the bytes.
    pub(super) sha256: String,
}

impl BrowserMedia {
    /// Encodes and hashes `blob` as `mime` (the type the file name says, whatever the
    /// server's `Content-Type`). The error is the browser's, for the caller to word.
    pub async fn read(blob: &Blob, mime: &str) -> Result<Self, JsValue> {
        let typed = blob.slice_with_f64_and_f64_and_content_type(0.0, blob.size(), mime)?;
        // Both run in the browser at once; the awaits below only collect them.
        let encoding = Encoding::start(&typed)?;
        let buffer: ArrayBuffer = JsFuture::from(typed.array_buffer()).await?.unchecked_into();
        let bytes = buffer.byte_length();
        let sha256 = sha256_hex(&buffer).await?;
        let data_url = if bytes == 0 {
            // Browsers differ on an empty blob's data URL; this is the one `put_media` takes.
            JsValue::from_str(&data_url_prefix(mime))
        } else {
            encoding.data_url().await?
        };
        let media = Self {
            mime: mime.to_owned(),
            data_url,
            bytes: u64::from(bytes),
            sha256,
        };
        media.check()?;
        Ok(media)
    }

    /// The data URL as a Rust string, for the views.
    pub fn data_url(&self) -> String {
        self.data_url.as_string().unwrap_or_default()
    }

    /// A data URL of another type or length than the bytes hashed is refused, as
    /// `put_media` refuses one that does not decode to the size fetched.
    fn check(&self) -> Result<(), JsValue> {
        let url: &JsString = self
            .data_url
            .dyn_ref()
            .ok_or_else(|| JsValue::from_str("FileReader gave no text"))?;
        let prefix = data_url_prefix(&self.mime);
        let expected = prefix.len() as u64 + self.bytes.div_ceil(3) * 4;
        if !url.starts_with(&prefix, 0) || u64::from(url.length()) != expected {
            return Err(JsValue::from_str("the data URL does not match the bytes read"));
        }
        Ok(())
    }
}

fn data_url_prefix(mime: &str) -> String {
    format!("data:{mime};base64,")
}

/// A `FileReader.readAsDataURL` under way.
struct Encoding {
    reader: FileReader,
    loaded: Promise,
}

impl Encoding {
    fn start(blob: &Blob) -> Result<Self, JsValue> {
        let reader = FileReader::new()?;
        let loaded = Promise::new(&mut |resolve, reject| {
            reader.set_onload(Some(&resolve));
            reader.set_onerror(Some(&reject));
        });
        reader.read_as_data_url(blob)?;
        Ok(Self { reader, loaded })
    }

    async fn data_url(self) -> Result<JsValue, JsValue> {
        JsFuture::from(self.loaded).await?;
        self.reader.result()
    }
}

/// SHA-256 of `buffer` as lowercase hex: by `SubtleCrypto` where the page is a secure
/// context (https, localhost), in wasm where the browser hides it (plain http on a LAN).
async fn sha256_hex(buffer: &ArrayBuffer) -> Result<String, JsValue> {
    let digest = match subtle_crypto() {
        Some(subtle) => {
            let promise = subtle.digest_with_str_and_buffer_source("SHA-256", buffer)?;
            Uint8Array::new(&JsFuture::from(promise).await?).to_vec()
        }
        None => Sha256::digest(Uint8Array::new(buffer).to_vec()).to_vec(),
    };
    Ok(lowercase_hex(&digest))
}

fn subtle_crypto() -> Option<web_sys::SubtleCrypto> {
    let crypto = web_sys::window()?.crypto().ok()?;
    let subtle = js_sys::Reflect::get(&crypto, &"subtle".into()).ok()?;
    subtle.dyn_into().ok()
}
