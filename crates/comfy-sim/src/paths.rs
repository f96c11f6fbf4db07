//! Joins client-given names onto a data folder without ever leaving it.

use std::path::{Component, Path, PathBuf};

/// `base/subfolder/name` when both parts are plain relative names (no `..`, no absolute
/// path, no drive prefix); `None` otherwise, so no file outside `base` can be named.
pub fn resolve_in(base: &Path, subfolder: &str, name: &str) -> Option<PathBuf> {
    let mut path = base.to_path_buf();
    for part in [subfolder, name] {
        for component in Path::new(part).components() {
            match component {
                Component::Normal(segment) => path.push(segment),
                Component::CurDir => {}
                Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
            }
        }
    }
    if name.is_empty() || name.contains('\0') || path == base {
        return None;
    }
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_stay_inside_the_base() {
        let base = Path::new("/data/output");
        assert_eq!(
            resolve_in(base, "video", "a b.mp4"),
            Some(PathBuf::from("/data/output/video/a b.mp4"))
        );
        assert_eq!(
            resolve_in(base, "", "x.png"),
            Some(PathBuf::from("/data/output/x.png"))
        );
    }

    #[test]
    fn parent_and_absolute_components_are_refused() {
        let base = Path::new("/data/output");
        assert_eq!(resolve_in(base, "", "../../etc/passwd"), None);
        assert_eq!(resolve_in(base, "../input", "x.png"), None);
        assert_eq!(resolve_in(base, "/etc", "passwd"), None);
        assert_eq!(resolve_in(base, "", "/etc/passwd"), None);
        assert_eq!(resolve_in(base, "", ""), None);
    }
}
