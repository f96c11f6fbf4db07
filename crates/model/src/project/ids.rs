//! Ids of everything a project holds. They are strings made by the caller (UUIDs in the
//! app, counters in tests), so reducers stay deterministic and an action can be replayed.

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

/// Other modules' ids (the render queue's entries) read the same way.
pub(crate) use string_id;

string_id!(
    /// A project, also the key of its record in storage.
    ProjectId
);
string_id!(
    /// A scene; survives reordering and moves.
    SceneId
);
string_id!(
    /// A shot; survives reordering and moves between scenes.
    ShotId
);
string_id!(
    /// A record of the media store (keyframes, outputs). The project holds only these ids.
    MediaId
);
string_id!(
    /// One submission to ComfyUI; a shot's takes are the jobs it produced.
    JobId
);
string_id!(
    /// A workflow profile (workflow + mapping).
    ProfileId
);
string_id!(
    /// A configured ComfyUI server.
    ServerId
);
