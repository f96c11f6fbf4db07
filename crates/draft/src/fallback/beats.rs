//! The story arc the fallback lays scenes on, and what each kind of shot shows.

/// One step of the arc: what the scene is about and how it feels and moves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Beat {
    pub name: &'static str,
    /// `{subject}` is replaced by who the logline is about.
    pub summary: &'static str,
    /// What the subject is doing in this beat, as a participle phrase.
    pub moment: &'static str,
    pub mood: &'static str,
    pub pacing: &'static str,
    pub base_duration_s: f64,
}

const SETUP: Beat = Beat {
    name: "Setup",
    summary: "We meet {subject} in their everyday world before anything has changed.",
    moment: "going about an ordinary day",
    mood: "calm, quietly expectant",
    pacing: "slow",
    base_duration_s: 5.0,
};
const INCITING_INCIDENT: Beat = Beat {
    name: "Inciting incident",
    summary: "Something breaks the routine of {subject}, and there is no going back.",
    moment: "noticing the first sign that something is wrong",
    mood: "uneasy",
    pacing: "steady",
    base_duration_s: 4.0,
};
const CONFRONTATION: Beat = Beat {
    name: "Confrontation",
    summary: "{subject} pushes toward the goal and meets resistance; the stakes rise.",
    moment: "pushing forward against resistance",
    mood: "tense",
    pacing: "building",
    base_duration_s: 4.0,
};
const CLIMAX: Beat = Beat {
    name: "Climax",
    summary: "{subject} faces the decisive moment with everything at stake.",
    moment: "facing the decisive moment",
    mood: "intense",
    pacing: "fast",
    base_duration_s: 3.0,
};
const RESOLUTION: Beat = Beat {
    name: "Resolution",
    summary: "The dust settles and {subject} is changed; a closing image answers the opening one.",
    moment: "standing quietly in the aftermath",
    mood: "reflective",
    pacing: "slow",
    base_duration_s: 6.0,
};

/// Scene `index` of `count`: setup first, resolution last, the climax just before it
/// when there is room, and the middle split between incident and confrontation.
pub(super) fn beat_for(index: usize, count: usize) -> Beat {
    match (index, count) {
        (_, 1) => CONFRONTATION,
        (0, _) => SETUP,
        (i, n) if i + 1 == n => RESOLUTION,
        (i, n) if n >= 4 && i + 2 == n => CLIMAX,
        (i, n) if n >= 5 && i * 3 < n => INCITING_INCIDENT,
        _ => CONFRONTATION,
    }
}

/// What a shot shows, in the order a scene usually covers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ShotRole {
    Establishing,
    Character,
    Action,
    Detail,
    Reaction,
    Closing,
}

/// The middle of a scene cycles through these, from a seeded starting point.
const MIDDLE_ROLES: [ShotRole; 4] = [
    ShotRole::Character,
    ShotRole::Action,
    ShotRole::Detail,
    ShotRole::Reaction,
];

/// Shot `index` of `count`: an establishing shot opens, a closing shot ends a scene of
/// three or more, and `offset` varies the ones between.
pub(super) fn role_for(index: usize, count: usize, offset: usize) -> ShotRole {
    match index {
        0 => ShotRole::Establishing,
        i if count >= 3 && i + 1 == count => ShotRole::Closing,
        i => MIDDLE_ROLES[(i - 1 + offset) % MIDDLE_ROLES.len()],
    }
}

impl ShotRole {
    /// `{subject}` and `{moment}` are filled in; the tone is appended by the caller.
    pub(super) fn prompt(self) -> &'static str {
        match self {
            ShotRole::Establishing => "Wide view of the place where {subject} is {moment}",
            ShotRole::Character => "{subject}, {moment}, face clearly visible",
            ShotRole::Action => "{subject} in motion, {moment}",
            ShotRole::Detail => {
                "Close detail of the hands of {subject} and the objects that matter, {moment}"
            }
            ShotRole::Reaction => "{subject} reacting, expression shifting, {moment}",
            ShotRole::Closing => "{subject} seen small in the frame, {moment}, the place around them",
        }
    }

    pub(super) fn framings(self) -> &'static [&'static str] {
        match self {
            ShotRole::Establishing => &["extreme wide shot", "wide shot", "aerial wide shot"],
            ShotRole::Character => &["medium shot", "medium close-up", "cowboy shot"],
            ShotRole::Action => &["full shot", "medium wide shot", "low angle full shot"],
            ShotRole::Detail => &["extreme close-up", "insert shot", "macro close-up"],
            ShotRole::Reaction => &["close-up", "over-the-shoulder close-up", "tight close-up"],
            ShotRole::Closing => &["high angle wide shot", "long shot", "extreme long shot"],
        }
    }

    /// Lenses that suit the framing: wide for places, long for faces and details.
    pub(super) fn lenses(self) -> &'static [&'static str] {
        match self {
            ShotRole::Establishing | ShotRole::Closing => &["16mm ultra-wide", "24mm wide-angle", "28mm"],
            ShotRole::Character | ShotRole::Action => &["35mm", "40mm anamorphic", "50mm"],
            ShotRole::Detail => &["100mm macro", "85mm", "135mm telephoto"],
            ShotRole::Reaction => &["85mm portrait", "105mm", "135mm telephoto"],
        }
    }

    /// Seconds added to the beat's base duration: a wide view needs time to be read.
    pub(super) fn duration_offset_s(self) -> f64 {
        match self {
            ShotRole::Establishing | ShotRole::Closing => 1.0,
            ShotRole::Detail => -1.0,
            _ => 0.0,
        }
    }
}
