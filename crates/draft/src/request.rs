//! The `POST /chat/completions` bodies: a whole draft, or one scene or one shot of an
//! existing draft written again with the rest as context.

use serde::{Deserialize, Serialize};

use crate::draft::Draft;
use crate::error::DraftError;
use crate::instructions::{SYSTEM_PROMPT, draft_prompt, scene_prompt, shot_prompt};
use crate::limits::{MAX_SCENES, MAX_SHOTS_PER_SCENE};
use crate::schema::{Ordered, draft_schema, scene_schema, shot_schema};
use crate::settings::{DEFAULT_TEMPERATURE, LlmSettings};

const MAX_TEMPERATURE: f64 = 2.0;

/// What the user asks for. `seed` drives both the server's sampler and the fallback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftRequest {
    pub logline: String,
    pub genre_tone: String,
    pub scenes: usize,
    pub shots_per_scene: usize,
    pub seed: u64,
}

impl DraftRequest {
    pub fn validate(&self) -> Result<(), DraftError> {
        if self.logline.trim().is_empty() {
            return Err(DraftError::EmptyLogline);
        }
        if !(1..=MAX_SCENES).contains(&self.scenes) {
            return Err(DraftError::SceneCountOutOfRange(self.scenes));
        }
        if !(1..=MAX_SHOTS_PER_SCENE).contains(&self.shots_per_scene) {
            return Err(DraftError::ShotCountOutOfRange(self.shots_per_scene));
        }
        Ok(())
    }
}

/// How strongly the server is told to answer in JSON. Servers differ: LM Studio takes
/// only a schema, some llama.cpp builds only `json_object`, a few proxies neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseMode {
    /// `response_format: json_schema`: the server constrains the output to the schema.
    #[default]
    JsonSchema,
    /// `response_format: json_object`: any JSON; the prompt describes the shape.
    JsonObject,
    /// No `response_format`: the prompt alone asks for JSON and the repair step copes.
    Plain,
}

impl ResponseMode {
    pub const ALL: [ResponseMode; 3] = [
        ResponseMode::JsonSchema,
        ResponseMode::JsonObject,
        ResponseMode::Plain,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ResponseMode::JsonSchema => "JSON schema",
            ResponseMode::JsonObject => "JSON object",
            ResponseMode::Plain => "Prompt only",
        }
    }

    /// The mode to retry with after the server refused this one
    /// ([`DraftError::ResponseFormatRejected`]); `None` when there is nothing simpler.
    pub fn simpler(self) -> Option<ResponseMode> {
        match self {
            ResponseMode::JsonSchema => Some(ResponseMode::JsonObject),
            ResponseMode::JsonObject => Some(ResponseMode::Plain),
            ResponseMode::Plain => None,
        }
    }
}

/// The body asking for a whole draft.
pub fn draft_body(settings: &LlmSettings, request: &DraftRequest) -> Result<String, DraftError> {
    request.validate()?;
    let schema = draft_schema(request.scenes, request.shots_per_scene);
    Ok(body(
        settings,
        request,
        draft_prompt(request),
        ("storyboard_draft", schema),
    ))
}

/// The body asking for scene `scene` (0-based) of `draft` again, with `shots_per_scene`
/// shots. A request with a new seed gives a different scene where the server honours seeds.
pub fn scene_body(
    settings: &LlmSettings,
    request: &DraftRequest,
    draft: &Draft,
    scene: usize,
) -> Result<String, DraftError> {
    request.validate()?;
    let user = scene_prompt(request, draft, scene)?;
    let schema = scene_schema(request.shots_per_scene);
    Ok(body(settings, request, user, ("storyboard_scene", schema)))
}

/// The body asking for shot `shot` of scene `scene` (both 0-based) of `draft` again.
pub fn shot_body(
    settings: &LlmSettings,
    request: &DraftRequest,
    draft: &Draft,
    scene: usize,
    shot: usize,
) -> Result<String, DraftError> {
    request.validate()?;
    let user = shot_prompt(request, draft, scene, shot)?;
    Ok(body(settings, request, user, ("storyboard_shot", shot_schema())))
}

#[derive(Serialize)]
struct ChatBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    model: Option<&'a str>,
    messages: [Message<'a>; 2],
    stream: bool,
    temperature: f64,
    seed: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_format: Option<Ordered>,
}

#[derive(Serialize)]
struct Message<'a> {
    role: &'static str,
    content: &'a str,
}

fn body(
    settings: &LlmSettings,
    request: &DraftRequest,
    user: String,
    (schema_name, schema): (&'static str, Ordered),
) -> String {
    let model = settings.model.trim();
    let chat = ChatBody {
        model: (!model.is_empty()).then_some(model),
        messages: [
            Message {
                role: "system",
                content: SYSTEM_PROMPT,
            },
            Message {
                role: "user",
                content: &user,
            },
        ],
        stream: true,
        temperature: sane_temperature(settings.temperature),
        seed: request.seed,
        response_format: response_format(settings.response_mode, schema_name, schema),
    };
    // Only strings, numbers and maps of them: serialising cannot fail.
    serde_json::to_string(&chat).unwrap_or_default()
}

/// OpenAI's range; a typed "abc" or "-1" must not reach a server that rejects the request.
fn sane_temperature(temperature: f64) -> f64 {
    if temperature.is_finite() {
        temperature.clamp(0.0, MAX_TEMPERATURE)
    } else {
        DEFAULT_TEMPERATURE
    }
}

fn response_format(mode: ResponseMode, name: &'static str, schema: Ordered) -> Option<Ordered> {
    let plain = |value: serde_json::Value| Ordered::Plain(value);
    match mode {
        ResponseMode::JsonSchema => Some(Ordered::Object(vec![
            ("type", plain("json_schema".into())),
            (
                "json_schema",
                Ordered::Object(vec![
                    ("name", plain(name.into())),
                    ("strict", plain(true.into())),
                    ("schema", schema),
                ]),
            ),
        ])),
        ResponseMode::JsonObject => Some(Ordered::Object(vec![("type", plain("json_object".into()))])),
        ResponseMode::Plain => None,
    }
}
