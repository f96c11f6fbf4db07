//! Style enhancers: short phrases added to a shot's prompt (framing, lens, mood...).
//! The project holds defaults; a shot's own value, when set, replaces the default.

use serde::{Deserialize, Serialize};

/// One enhancer slot, so the UI and the reducers address fields without string keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Enhancer {
    Framing,
    Movement,
    Lens,
    Lighting,
    Mood,
    Vfx,
    Pacing,
}

impl Enhancer {
    /// In the order the UI lists them and the prompt builder appends them.
    pub const ALL: [Enhancer; 7] = [
        Enhancer::Framing,
        Enhancer::Movement,
        Enhancer::Lens,
        Enhancer::Lighting,
        Enhancer::Mood,
        Enhancer::Vfx,
        Enhancer::Pacing,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Enhancer::Framing => "Framing",
            Enhancer::Movement => "Camera movement",
            Enhancer::Lens => "Lens",
            Enhancer::Lighting => "Lighting",
            Enhancer::Mood => "Mood",
            Enhancer::Vfx => "VFX",
            Enhancer::Pacing => "Pacing",
        }
    }
}

/// `None` means "not set": on a shot it falls back to the project's style default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Enhancers {
    pub framing: Option<String>,
    pub movement: Option<String>,
    pub lens: Option<String>,
    pub lighting: Option<String>,
    pub mood: Option<String>,
    pub vfx: Option<String>,
    pub pacing: Option<String>,
}

impl Enhancers {
    pub fn get(&self, enhancer: Enhancer) -> Option<&str> {
        self.slot(enhancer).as_deref()
    }

    /// Blank text is stored as `None`: a field the user cleared must fall back to the
    /// default rather than add an empty phrase to the prompt.
    pub fn set(&mut self, enhancer: Enhancer, value: Option<String>) {
        *self.slot_mut(enhancer) = value
            .map(|text| text.trim().to_owned())
            .filter(|text| !text.is_empty());
    }

    /// This shot's enhancers with unset slots taken from `defaults`.
    pub fn or_defaults(&self, defaults: &Enhancers) -> Enhancers {
        let mut resolved = Enhancers::default();
        for enhancer in Enhancer::ALL {
            *resolved.slot_mut(enhancer) = self
                .slot(enhancer)
                .clone()
                .or_else(|| defaults.slot(enhancer).clone());
        }
        resolved
    }

    fn slot(&self, enhancer: Enhancer) -> &Option<String> {
        match enhancer {
            Enhancer::Framing => &self.framing,
            Enhancer::Movement => &self.movement,
            Enhancer::Lens => &self.lens,
            Enhancer::Lighting => &self.lighting,
            Enhancer::Mood => &self.mood,
            Enhancer::Vfx => &self.vfx,
            Enhancer::Pacing => &self.pacing,
        }
    }

    fn slot_mut(&mut self, enhancer: Enhancer) -> &mut Option<String> {
        match enhancer {
            Enhancer::Framing => &mut self.framing,
            Enhancer::Movement => &mut self.movement,
            Enhancer::Lens => &mut self.lens,
            Enhancer::Lighting => &mut self.lighting,
            Enhancer::Mood => &mut self.mood,
            Enhancer::Vfx => &mut self.vfx,
            Enhancer::Pacing => &mut self.pacing,
        }
    }
}
