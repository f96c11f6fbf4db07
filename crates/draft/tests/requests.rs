//! What is sent to the LLM server and how its other answers (model lists, error
//! statuses) are understood.

mod support;

use serde_json::{Value, json};
use shotline_draft::{
    DraftError, LM_STUDIO_BASE_URL, LlmBaseUrl, LlmServerKind, LlmSettings, OLLAMA_BASE_URL, ResponseMode,
    draft_body, fallback_draft, parse_models, scene_body, shot_body,
};
use shotline_model::project::Enhancers;
use support::request;

fn settings(mode: ResponseMode) -> LlmSettings {
    LlmSettings {
        model: "qwen2.5-7b-instruct".to_owned(),
        temperature: 0.6,
        response_mode: mode,
        ..LlmSettings::default()
    }
}

fn parsed(body: &str) -> Value {
    serde_json::from_str(body).expect("the body is JSON")
}

#[test]
fn a_draft_request_streams_with_a_schema_for_exactly_the_counts_asked() {
    let body = draft_body(&settings(ResponseMode::JsonSchema), &request(3, 4)).expect("valid request");
    let json = parsed(&body);
    assert_eq!(json["model"], "qwen2.5-7b-instruct");
    assert_eq!(json["stream"], true);
    assert_eq!(
        (json["temperature"].as_f64(), json["seed"].as_u64()),
        (Some(0.6), Some(7))
    );
    assert_eq!(json["messages"][0]["role"], "system");
    assert_eq!(json["messages"][1]["role"], "user");
    let user = json["messages"][1]["content"].as_str().expect("text");
    assert!(user.contains("A retired lighthouse keeper discovers"));
    assert!(user.contains("quiet drama, melancholic"));
    assert!(user.contains("exactly 3 scenes and exactly 4 shots in each scene (12 shots in all)"));
    let format = &json["response_format"];
    assert_eq!(format["type"], "json_schema");
    let schema = &format["json_schema"]["schema"];
    let scenes = &schema["properties"]["scenes"];
    assert_eq!(
        (scenes["minItems"].as_u64(), scenes["maxItems"].as_u64()),
        (Some(3), Some(3))
    );
    let shots = &scenes["items"]["properties"]["shots"];
    assert_eq!(
        (shots["minItems"].as_u64(), shots["maxItems"].as_u64()),
        (Some(4), Some(4))
    );
    assert_eq!(schema["required"], json!(["title", "scenes"]));
}

#[test]
fn the_schema_keeps_titles_before_shots_so_grammar_servers_write_them_first() {
    let body = draft_body(&settings(ResponseMode::JsonSchema), &request(1, 1)).expect("valid request");
    let scene = body.find(r#""items":{"type":"object","properties":{"title""#);
    let shots = body.find(r#""shots":{"type":"array""#);
    assert!(scene.is_some() && shots.is_some() && scene < shots, "{body}");
    assert!(body.find(r#""prompt":{"type":"string"}"#) < body.find(r#""enhancers":{"#));
}

#[test]
fn the_schemas_enhancers_are_the_model_crates_enhancer_fields() {
    let body = parsed(&draft_body(&settings(ResponseMode::JsonSchema), &request(1, 1)).expect("valid"));
    let shot = &body["response_format"]["json_schema"]["schema"]["properties"]["scenes"]["items"]["properties"]
        ["shots"]["items"];
    let schema_keys: Vec<&String> = shot["properties"]["enhancers"]["properties"]
        .as_object()
        .expect("an object")
        .keys()
        .collect();
    let model = serde_json::to_value(Enhancers::default()).expect("serialisable");
    let model_keys: Vec<&String> = model.as_object().expect("an object").keys().collect();
    assert_eq!(schema_keys, model_keys);
}

#[test]
fn simpler_modes_send_json_object_or_no_response_format() {
    let object = parsed(&draft_body(&settings(ResponseMode::JsonObject), &request(2, 2)).expect("valid"));
    assert_eq!(object["response_format"], json!({"type": "json_object"}));
    let plain = parsed(&draft_body(&settings(ResponseMode::Plain), &request(2, 2)).expect("valid"));
    assert!(plain.get("response_format").is_none());
    let user = plain["messages"][1]["content"].as_str().expect("text");
    assert!(
        user.contains("\"enhancers\": {"),
        "the prompt alone spells out the shape"
    );
    assert_eq!(
        ResponseMode::JsonSchema.simpler().and_then(ResponseMode::simpler),
        Some(ResponseMode::Plain)
    );
    assert_eq!(ResponseMode::Plain.simpler(), None);
}

#[test]
fn a_temperature_outside_the_openai_range_is_brought_inside() {
    for (typed, sent) in [(3.5, 2.0), (-1.0, 0.0), (f64::NAN, 0.8)] {
        let hot = LlmSettings {
            temperature: typed,
            ..LlmSettings::default()
        };
        let json = parsed(&draft_body(&hot, &request(1, 1)).expect("valid"));
        assert_eq!(json["temperature"].as_f64(), Some(sent), "typed {typed}");
    }
}

#[test]
fn an_empty_model_is_left_out_so_the_server_uses_the_loaded_one() {
    let no_model = LlmSettings::default();
    let json = parsed(&draft_body(&no_model, &request(1, 1)).expect("valid"));
    assert!(json.get("model").is_none());
}

#[test]
fn requests_outside_the_limits_are_refused_before_sending() {
    let empty = shotline_draft::DraftRequest {
        logline: "  ".to_owned(),
        ..request(1, 1)
    };
    let defaults = LlmSettings::default();
    assert_eq!(draft_body(&defaults, &empty), Err(DraftError::EmptyLogline));
    assert_eq!(
        draft_body(&defaults, &request(0, 1)),
        Err(DraftError::SceneCountOutOfRange(0))
    );
    assert_eq!(
        draft_body(&defaults, &request(1, 21)),
        Err(DraftError::ShotCountOutOfRange(21))
    );
}

#[test]
fn regenerating_a_scene_sends_the_outline_and_asks_for_that_scene_alone() {
    let draft = fallback_draft(&request(3, 2));
    let body = scene_body(&settings(ResponseMode::JsonSchema), &request(3, 2), &draft, 1).expect("in range");
    let json = parsed(&body);
    let user = json["messages"][1]["content"].as_str().expect("text");
    assert!(user.contains("Scene 1: Setup."));
    assert!(user.contains("Scene 3: Resolution."));
    assert!(user.contains("Write scene 2 (now \"Confrontation\") again"));
    let schema = &json["response_format"]["json_schema"];
    assert_eq!(schema["name"], "storyboard_scene");
    assert_eq!(schema["schema"]["properties"]["shots"]["maxItems"], 2);
    assert_eq!(
        scene_body(&settings(ResponseMode::Plain), &request(3, 2), &draft, 3),
        Err(DraftError::SceneNotInDraft(4))
    );
}

#[test]
fn regenerating_a_shot_sends_its_scenes_shots_and_asks_for_that_shot_alone() {
    let draft = fallback_draft(&request(2, 3));
    let body =
        shot_body(&settings(ResponseMode::JsonSchema), &request(2, 3), &draft, 1, 2).expect("in range");
    let json = parsed(&body);
    let user = json["messages"][1]["content"].as_str().expect("text");
    assert!(user.contains(&format!("  Shot 1: {}", draft.scenes[1].shots[0].prompt)));
    assert!(user.contains("Write shot 3 of scene 2"));
    assert_eq!(json["response_format"]["json_schema"]["name"], "storyboard_shot");
    assert_eq!(
        shot_body(&settings(ResponseMode::Plain), &request(2, 3), &draft, 1, 3),
        Err(DraftError::ShotNotInDraft { scene: 2, shot: 4 })
    );
}

#[test]
fn base_urls_are_completed_and_joined_without_double_slashes() {
    let cases = [
        ("127.0.0.1:1234", "http://127.0.0.1:1234/v1"),
        ("http://127.0.0.1:11434/v1/", "http://127.0.0.1:11434/v1"),
        ("HTTPS://llm.example//proxy//v1//", "https://llm.example/proxy/v1"),
        (
            "http://localhost:8080/v1/chat/completions",
            "http://localhost:8080/v1",
        ),
        ("http://localhost:8080/v1/models?x=1", "http://localhost:8080/v1"),
    ];
    for (input, base) in cases {
        assert_eq!(
            LlmBaseUrl::parse(input).map(|url| url.as_str().to_owned()),
            Ok(base.to_owned())
        );
    }
    let url = LlmBaseUrl::parse(OLLAMA_BASE_URL).expect("valid");
    assert_eq!(url.models_url(), "http://127.0.0.1:11434/v1/models");
    assert_eq!(
        url.chat_completions_url(),
        "http://127.0.0.1:11434/v1/chat/completions"
    );
}

#[test]
fn unusable_base_urls_are_refused_with_a_reason() {
    assert!(matches!(
        LlmBaseUrl::parse("ftp://h/v1"),
        Err(DraftError::UnsupportedScheme(_))
    ));
    assert!(matches!(
        LlmBaseUrl::parse("http:///v1"),
        Err(DraftError::MissingHost(_))
    ));
    assert!(matches!(LlmBaseUrl::parse(""), Err(DraftError::MissingHost(_))));
    assert!(matches!(
        LlmBaseUrl::parse("http://a b/v1"),
        Err(DraftError::InvalidCharacters(_))
    ));
}

#[test]
fn defaults_are_lm_studio_with_a_two_minute_timeout_and_no_key() {
    let defaults = LlmSettings::default();
    assert_eq!(defaults.base_url, LM_STUDIO_BASE_URL);
    assert_eq!((defaults.timeout_s, defaults.api_key.clone()), (120, None));
    assert_eq!(defaults.draft_seed(42), 42);
    assert!(
        !defaults
            .headers()
            .iter()
            .any(|(name, _)| *name == "Authorization")
    );
    let keyed = LlmSettings {
        api_key: Some(" sk-local ".to_owned()),
        seed: Some(5),
        ..defaults
    };
    assert!(
        keyed
            .headers()
            .contains(&("Authorization", "Bearer sk-local".to_owned()))
    );
    assert_eq!(keyed.draft_seed(42), 5);
    let stored: LlmSettings = serde_json::from_str(r#"{"model": "llama3.2"}"#).expect("old settings load");
    assert_eq!(stored.timeout_s, 120);
}

#[test]
fn the_cors_help_names_the_servers_own_setting() {
    let lm_studio = LlmBaseUrl::parse(LM_STUDIO_BASE_URL).expect("valid");
    let ollama = LlmBaseUrl::parse(OLLAMA_BASE_URL).expect("valid");
    assert_eq!(LlmServerKind::guess(&lm_studio), LlmServerKind::LmStudio);
    assert_eq!(LlmServerKind::guess(&ollama), LlmServerKind::Ollama);
    let error = DraftError::unreachable(&ollama, "http://127.0.0.1:8080").to_string();
    assert!(error.starts_with("The LLM server at http://127.0.0.1:11434/v1 could not be reached"));
    assert!(error.contains("OLLAMA_ORIGINS=http://127.0.0.1:8080 ollama serve"));
    assert!(LlmServerKind::LmStudio.cors_help("x").contains("Enable CORS"));
}

#[test]
fn model_lists_of_every_server_shape_are_read() {
    let openai = r#"{"object":"list","data":[{"id":"qwen2.5-7b-instruct","object":"model"},
        {"id":"text-embedding-nomic-embed-text-v1.5","type":"embeddings"}]}"#;
    assert_eq!(parse_models(openai), Ok(vec!["qwen2.5-7b-instruct".to_owned()]));
    // LM Studio's and Ollama's OpenAI routes give embedding models no type, only a name.
    let untyped = r#"{"data":[{"id":"text-embedding-nomic-embed-text-v1.5"},{"id":"mistral-7b"},
        {"id":"mxbai-embed-large:latest"}]}"#;
    assert_eq!(parse_models(untyped), Ok(vec!["mistral-7b".to_owned()]));
    let ollama_tags =
        r#"{"models":[{"name":"llama3.2:latest","model":"llama3.2:latest","size":2019393189}]}"#;
    assert_eq!(parse_models(ollama_tags), Ok(vec!["llama3.2:latest".to_owned()]));
    let llama_cpp = r#"{"models":[{"name":"gemma.gguf","model":"gemma.gguf"}],"object":"list",
        "data":[{"id":"gemma.gguf","object":"model"}]}"#;
    assert_eq!(parse_models(llama_cpp), Ok(vec!["gemma.gguf".to_owned()]));
    assert_eq!(
        parse_models(r#"["a", "b"]"#),
        Ok(vec!["a".to_owned(), "b".to_owned()])
    );
    assert_eq!(parse_models(r#"{"data": []}"#), Err(DraftError::NoModels));
    assert!(matches!(
        parse_models("<html>"),
        Err(DraftError::UnreadableModelList { .. })
    ));
    assert!(matches!(
        parse_models(r#"{"status": "ok"}"#),
        Err(DraftError::UnreadableModelList { .. })
    ));
}

#[test]
fn error_statuses_become_sentences_that_say_what_to_check() {
    let unauthorized = DraftError::from_status(401, r#"{"error":{"message":"Invalid API key."}}"#);
    assert_eq!(
        unauthorized.to_string(),
        "The LLM server refused the request (401): Invalid API key. Check the API key in the LLM settings, \
         or clear it if the server needs none."
    );
    let missing = DraftError::from_status(
        404,
        r#"{"error":"model \"llama9\" not found, try pulling it first"}"#,
    );
    assert!(
        matches!(missing, DraftError::NotFound { ref message } if message.starts_with("model \"llama9\""))
    );
    let schema = DraftError::from_status(400, r#"{"error":"'response_format.type' must be 'json_schema'"}"#);
    assert!(matches!(schema, DraftError::ResponseFormatRejected { .. }));
    let busy = DraftError::from_status(503, "");
    assert_eq!(
        busy,
        DraftError::Http {
            status: 503,
            message: "no details given".to_owned()
        }
    );
}
