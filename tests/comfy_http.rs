//! The HTTP client against a running comfy-sim (started by `cargo xtask test`, which
//! passes its address at compile time: wasm code cannot read the environment).
#![cfg(target_arch = "wasm32")]

use shotline::comfy::{ComfyClient, ComfyError};
use shotline_model::server_url::ServerUrl;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// Nothing listens on this loopback port, and Chromium does not block it as unsafe.
const CLOSED_PORT_URL: &str = "http://127.0.0.1:47";

fn simulator() -> ComfyClient {
    // Not env!: clippy and plain builds of the tests must work without a simulator.
    let Some(url) = option_env!("SHOTLINE_TEST_COMFY_URL") else {
        panic!("SHOTLINE_TEST_COMFY_URL is unset: run these tests with `cargo xtask test --tier wasm`");
    };
    ComfyClient::new(ServerUrl::parse(url).expect("SHOTLINE_TEST_COMFY_URL is an http:// address"))
}

#[wasm_bindgen_test]
async fn system_stats_reads_the_simulators_version_device_and_vram() {
    let stats = simulator()
        .system_stats()
        .await
        .expect("comfy-sim answers /api/system_stats");
    assert_eq!(stats.system.comfyui_version, "0.3.64");
    let device = stats.main_device().expect("the simulator reports a device");
    assert!(
        device.name.contains("comfy-sim"),
        "device name {:?} should name the simulator",
        device.name
    );
    assert!(device.vram_total > 0 && device.vram_free <= device.vram_total);
}

#[wasm_bindgen_test]
async fn an_address_where_nothing_listens_is_unreachable() {
    let client = ComfyClient::new(ServerUrl::parse(CLOSED_PORT_URL).unwrap());
    let error = client.system_stats().await.expect_err("nothing listens there");
    assert_eq!(
        error,
        ComfyError::Unreachable {
            url: CLOSED_PORT_URL.into()
        }
    );
    assert!(
        error
            .to_string()
            .contains("No ComfyUI answers at http://127.0.0.1:47")
    );
}

#[wasm_bindgen_test]
async fn a_same_origin_server_without_comfyui_behind_it_is_an_http_error_not_a_hang() {
    // The test page's own server has no /api: what a static host without a proxy does.
    let client = ComfyClient::new(ServerUrl::same_origin());
    match client.system_stats().await {
        Err(ComfyError::Http { status, .. }) => assert_eq!(status, 404),
        Err(ComfyError::Decode { .. }) => {}
        other => panic!("expected an HTTP 404 or a decode error, got {other:?}"),
    }
}
