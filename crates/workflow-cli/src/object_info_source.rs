//! Where the command line gets a server's node list: a file holding the whole
//! `/object_info` map, a directory of `<Class>.json` files (each `{Class: spec}`, as
//! `/object_info/<Class>` answers), or a live server.

use std::path::Path;

use shotline_model::server_url::ServerUrl;
use shotline_model::workflow::ObjectInfo;

use crate::error::CliError;

/// `/object_info` of a server with many custom node packs runs to tens of MB; ureq's
/// default of 10 MB would cut it off.
const OBJECT_INFO_MAX_BYTES: u64 = 256 * 1024 * 1024;

pub fn read_object_info(path: &Path) -> Result<ObjectInfo, CliError> {
    if !path.is_dir() {
        return parse(&read_text(path)?, &path.display().to_string());
    }
    let entries = std::fs::read_dir(path).map_err(|source| CliError::Read {
        path: path.to_owned(),
        source,
    })?;
    let mut class_files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| CliError::Read {
            path: path.to_owned(),
            source,
        })?;
        if entry
            .path()
            .extension()
            .is_some_and(|extension| extension == "json")
        {
            class_files.push(entry.path());
        }
    }
    class_files.sort();
    let mut info = ObjectInfo::default();
    for file in &class_files {
        info.extend(parse(&read_text(file)?, &file.display().to_string())?);
    }
    if info.is_empty() {
        return Err(CliError::EmptyObjectInfoDir {
            path: path.to_owned(),
        });
    }
    Ok(info)
}

pub fn fetch_object_info(address: &str) -> Result<ObjectInfo, CliError> {
    let server = ServerUrl::parse(address)?;
    if server.is_same_origin() {
        return Err(CliError::EmptyServerUrl);
    }
    let url = server.api("/object_info");
    let fetch_error = |source| CliError::Fetch {
        url: url.clone(),
        source: Box::new(source),
    };
    let mut response = ureq::get(&url).call().map_err(fetch_error)?;
    let text = response
        .body_mut()
        .with_config()
        .limit(OBJECT_INFO_MAX_BYTES)
        .read_to_string()
        .map_err(fetch_error)?;
    parse(&text, &url)
}

pub fn read_text(path: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|source| CliError::Read {
        path: path.to_owned(),
        source,
    })
}

fn parse(text: &str, origin: &str) -> Result<ObjectInfo, CliError> {
    ObjectInfo::from_json_str(text).map_err(|source| CliError::ObjectInfo {
        origin: origin.to_owned(),
        source,
    })
}
