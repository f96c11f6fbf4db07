//! Generating shots from the storyboard against comfy-sim, as a person would.

use fantoccini::Locator;
use shotline_e2e::{Browser, Sim, StaticSite, shot_card};

/// Connects to `sim` and adds the weight-free bundled still-image workflow.
async fn connect_and_pick_workflow(browser: &Browser, sim: &Sim) -> anyhow::Result<()> {
    connect_and_pick(browser, sim, "sim_still", "Blank still").await
}

async fn connect_and_pick(browser: &Browser, sim: &Sim, bundled_id: &str, name: &str) -> anyhow::Result<()> {
    browser.connect(&sim.url()).await?;
    browser.add_bundled_workflow(bundled_id, name).await
}

#[tokio::test]
async fn a_generated_shot_shows_its_image_and_keeps_it_after_a_reload_with_the_server_gone()
-> anyhow::Result<()> {
    let sim = Sim::start(&["--enable-cors-header"]).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    browser.client.goto(&site.url()).await?;
    connect_and_pick_workflow(&browser, &sim).await?;
    browser.write_prompt(1, "a red door in the fog").await?;

    let status = browser.generate_shot(1, |t| t.starts_with("Done")).await?;
    assert!(status.starts_with("Done in "), "says how long it took: {status}");
    let image = browser
        .wait_for_element(Locator::Css(&format!("{} .take-media img", shot_card(1))))
        .await?;
    let src = image.attr("src").await?.unwrap_or_default();
    assert!(
        src.starts_with("data:image/png;base64,"),
        "the image is a PNG data URL"
    );
    browser
        .screenshot_at(&format!("{} .take-media", shot_card(1)), "generate-done")
        .await?;

    // The image opens large in a lightbox, which Escape closes.
    browser
        .client
        .find(Locator::Css(&format!("{} .image-open", shot_card(1))))
        .await?
        .click()
        .await?;
    let open_lightbox = format!("{} dialog.lightbox[open] img", shot_card(1));
    browser.wait_for_element(Locator::Css(&open_lightbox)).await?;
    browser.screenshot("generate-lightbox").await?;
    browser
        .client
        .active_element()
        .await?
        .send_keys("\u{E00C}")
        .await?;
    for _ in 0..50 {
        if browser
            .client
            .find_all(Locator::Css(&open_lightbox))
            .await?
            .is_empty()
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        browser
            .client
            .find_all(Locator::Css(&open_lightbox))
            .await?
            .is_empty(),
        "Escape closes the lightbox"
    );

    sim.stop().await;
    browser
        .wait_for_text(".save-state", |t| t == "All changes saved")
        .await?;
    browser.client.refresh().await?;
    browser
        .wait_for_text(&format!("{} [role=status]", shot_card(1)), |t| {
            t.starts_with("Done")
        })
        .await?;
    let image = browser
        .wait_for_element(Locator::Css(&format!("{} .take-media img", shot_card(1))))
        .await?;
    assert!(
        image
            .attr("src")
            .await?
            .unwrap_or_default()
            .starts_with("data:image/png;base64,")
    );
    browser.screenshot("generate-after-reload-server-gone").await?;
    browser.close().await?;
    Ok(())
}

#[tokio::test]
async fn takes_can_be_stepped_through_chosen_and_their_manifest_read_and_a_take_feeds_the_next_shot()
-> anyhow::Result<()> {
    let sim = Sim::start(&["--enable-cors-header"]).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    browser.client.goto(&site.url()).await?;
    connect_and_pick_workflow(&browser, &sim).await?;
    browser.write_prompt(1, "a lighthouse at dawn").await?;
    let status = format!("{} [role=status]", shot_card(1));
    for take in 1..=2 {
        browser.click_button_in(&shot_card(1), "Generate").await?;
        if take == 2 {
            browser
                .wait_for_text(".take-count", |t| t == "Take 2 of 2")
                .await?;
        }
        browser.wait_for_text(&status, |t| t.starts_with("Done")).await?;
    }

    browser
        .client
        .find(Locator::Css("[aria-label='Previous take']"))
        .await?
        .click()
        .await?;
    browser
        .wait_for_text(".take-count", |t| t == "Take 1 of 2")
        .await?;
    browser.click_button_in(".take-picker", "Use this take").await?;
    browser
        .wait_for_text(".chosen-take", |t| t == "Chosen take")
        .await?;

    browser.click_button_in(&shot_card(1), "Open manifest").await?;
    let manifest = browser
        .wait_for_text("[aria-label='Run manifest']", |t| {
            t.contains("shotline-run-manifest")
        })
        .await?;
    let manifest: serde_json::Value = serde_json::from_str(&manifest)?;
    assert_eq!(manifest["profile"]["name"], "Blank still (no models)");
    assert_eq!(manifest["outcome"]["state"], "Done");
    assert_eq!(
        manifest["prompt"]["2"]["class_type"], "SaveImage",
        "the exact API prompt is in the manifest: {manifest}"
    );
    assert_eq!(manifest["server"], sim.url(), "and the server it ran on");
    browser
        .screenshot_at(&shot_card(1), "generate-takes-manifest")
        .await?;
    browser.click_button_in(&shot_card(1), "Close manifest").await?;

    // Shot 1 is the last shot: its take becomes the keyframe of a new Shot 2.
    browser
        .click_button_in(&shot_card(1), "Use as next keyframe")
        .await?;
    browser
        .wait_for_text(".media-outcome", |t| {
            t.starts_with("Shot 2 now starts from this frame")
        })
        .await?;
    let keyframe = browser
        .wait_for_element(Locator::Css(&format!("{} .keyframe-image", shot_card(2))))
        .await?;
    assert!(
        keyframe
            .attr("src")
            .await?
            .unwrap_or_default()
            .starts_with("data:image/png;base64,")
    );
    browser.close().await?;
    sim.stop().await;
    Ok(())
}

/// The queue place a card shows ("Queued — position 3 on …"), if it shows one.
fn queue_position(status: &str) -> Option<u32> {
    let rest = status.strip_prefix("Queued — position ")?;
    rest.split(' ').next()?.parse().ok()
}

#[tokio::test]
async fn queue_positions_count_down_on_the_cards_and_a_pending_shot_can_be_cancelled() -> anyhow::Result<()> {
    // 20 sampler steps of 100 ms: each shot runs about 2 s, so the queue is long enough to see.
    let sim = Sim::start(&["--enable-cors-header", "--fake-models", "--step-ms", "100"]).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    browser.client.goto(&site.url()).await?;
    connect_and_pick(&browser, &sim, "txt2img_sd", "Text to image").await?;
    for _ in 0..4 {
        browser.click_button("Add shot").await?;
    }
    browser.wait_for_element(Locator::Css(&shot_card(5))).await?;
    for n in 1..=5 {
        browser
            .write_prompt(n, &format!("harbour at dusk, take {n}"))
            .await?;
    }
    for n in 1..=5 {
        browser.click_button_in(&shot_card(n), "Generate").await?;
    }
    // Shot 5 waits behind four: it is cancelled while still pending.
    let last = format!("{} [role=status]", shot_card(5));
    browser
        .wait_for_text(&last, |t| queue_position(t).is_some())
        .await?;
    browser.screenshot_at(&shot_card(4), "generate-queued").await?;
    browser.click_button_in(&shot_card(5), "Cancel").await?;
    browser.wait_for_text(&last, |t| t == "Cancelled").await?;

    // Shot 4 counts down while the shots before it run.
    let fourth = format!("{} [role=status]", shot_card(4));
    let mut seen: Vec<u32> = Vec::new();
    let started = std::time::Instant::now();
    loop {
        let status = browser.wait_for_text(&fourth, |t| !t.is_empty()).await?;
        if let Some(position) = queue_position(&status)
            && seen.last() != Some(&position)
        {
            seen.push(position);
        }
        if status.starts_with("Running") || status.starts_with("Done") {
            break;
        }
        assert!(
            started.elapsed().as_secs() < 120,
            "shot 4 never ran; positions seen {seen:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(seen.len() >= 2, "saw the place change more than once: {seen:?}");
    assert!(
        seen.windows(2).all(|pair| pair[1] < pair[0]),
        "only ever forward: {seen:?}"
    );
    for n in 1..=4 {
        let done = browser
            .wait_for_text(&format!("{} [role=status]", shot_card(n)), |t| {
                t.starts_with("Done")
            })
            .await;
        if let Err(error) = done {
            let problem = browser
                .client
                .find(Locator::Css(&format!("{} .field-error", shot_card(n))))
                .await?
                .text()
                .await?;
            anyhow::bail!("{error}; the card says {problem:?}");
        }
    }
    assert_eq!(
        browser.wait_for_text(&last, |t| !t.is_empty()).await?,
        "Cancelled",
        "the cancelled shot never ran"
    );
    let history = sim.get_json("/history").await?;
    assert_eq!(
        history.as_object().map(|runs| runs.len()),
        Some(4),
        "the server ran the four shots and not the cancelled one: {history}"
    );
    browser.close().await?;
    sim.stop().await;
    Ok(())
}

#[tokio::test]
async fn generate_all_runs_two_scenes_of_three_shots_to_done() -> anyhow::Result<()> {
    let sim = Sim::start(&["--enable-cors-header"]).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    browser.client.goto(&site.url()).await?;
    connect_and_pick_workflow(&browser, &sim).await?;
    browser.click_button("Add scene").await?;
    browser.wait_for_element(Locator::Css(&shot_card(2))).await?;
    let add_shot_buttons = browser
        .client
        .find_all(Locator::XPath("//button[normalize-space(.)='Add shot']"))
        .await?;
    assert_eq!(add_shot_buttons.len(), 2, "one Add shot per scene");
    for button in &add_shot_buttons {
        button.click().await?;
        button.click().await?;
    }
    browser.wait_for_element(Locator::Css(&shot_card(6))).await?;
    for n in 1..=6 {
        browser
            .write_prompt(n, &format!("shot number {n}, a quiet street"))
            .await?;
    }
    browser.click_button("Generate all").await?;
    for n in 1..=6 {
        browser
            .wait_for_text(&format!("{} [role=status]", shot_card(n)), |t| {
                t.starts_with("Done")
            })
            .await?;
    }
    let summary = browser
        .wait_for_text("[role=region][aria-label='Render queue'] .queue-summary p", |t| {
            t.contains("6 done")
        })
        .await?;
    assert_eq!(summary, "Finished: 6 done · 0 failed · 0 cancelled · 0 lost");
    assert_eq!(
        browser
            .client
            .find_all(Locator::Css(".take-media .image-open img"))
            .await?
            .len(),
        6
    );
    browser.screenshot("generate-all-done").await?;

    // The gallery shows the six takes in timeline order.
    let gallery = browser
        .wait_for_text(".gallery summary", |t| t == "Gallery (6 takes)")
        .await?;
    assert_eq!(gallery, "Gallery (6 takes)");
    browser
        .client
        .find(Locator::Css(".gallery summary"))
        .await?
        .click()
        .await?;
    let tiles = browser
        .client
        .find_all(Locator::Css(".gallery-tile span"))
        .await?;
    let mut labels = Vec::new();
    for tile in &tiles {
        labels.push(tile.text().await?);
    }
    let expected: Vec<String> = (1..=6).map(|n| format!("Shot {n} · take 1 of 1")).collect();
    assert_eq!(labels, expected);
    browser.screenshot_at(".gallery", "generate-gallery").await?;
    browser.close().await?;
    sim.stop().await;
    Ok(())
}

#[tokio::test]
async fn a_video_take_plays_in_the_browser() -> anyhow::Result<()> {
    let sim = Sim::start(&["--enable-cors-header"]).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    browser.client.goto(&site.url()).await?;
    connect_and_pick(&browser, &sim, "sim_video", "Blank video").await?;
    browser.write_prompt(1, "a slow pan over the harbour").await?;
    browser.generate_shot(1, |t| t.starts_with("Done")).await?;
    let video_css = format!("{} .take-media video", shot_card(1));
    let video = browser.wait_for_element(Locator::Css(&video_css)).await?;
    assert!(
        video
            .attr("src")
            .await?
            .unwrap_or_default()
            .starts_with("data:video/mp4;base64,")
    );

    // Playable means Chromium decoded frames: it knows the size and has current data.
    let script = "const v = document.querySelector(arguments[0]); v.muted = true; v.play().catch(() => {}); \
                  return [v.readyState, v.videoWidth, v.error ? v.error.code : 0];";
    let mut last = serde_json::Value::Null;
    for _ in 0..100 {
        last = browser
            .client
            .execute(script, vec![serde_json::json!(video_css)])
            .await?;
        if last[0].as_u64().unwrap_or(0) >= 2 && last[1].as_u64().unwrap_or(0) > 0 {
            break;
        }
        assert_eq!(
            last[2].as_u64(),
            Some(0),
            "the video element reports a media error: {last}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(last[0].as_u64().unwrap_or(0) >= 2, "never had frame data: {last}");
    assert!(last[1].as_u64().unwrap_or(0) > 0, "no video width: {last}");
    browser.screenshot_at(&video_css, "generate-video-done").await?;

    // Continuity: the frame on show becomes the next shot's keyframe, as a PNG.
    browser
        .client
        .execute(
            "document.querySelector(arguments[0]).pause();",
            vec![serde_json::json!(video_css)],
        )
        .await?;
    // Frame stepping pauses the player and moves it by one frame.
    browser
        .client
        .find(Locator::Css(&format!(
            "{} [aria-label='Step forward one frame']",
            shot_card(1)
        )))
        .await?
        .click()
        .await?;
    let paused = browser
        .client
        .execute(
            "const v = document.querySelector(arguments[0]); return [v.paused, v.currentTime];",
            vec![serde_json::json!(video_css)],
        )
        .await?;
    assert_eq!(paused[0], true, "stepping pauses the video: {paused}");
    browser
        .click_button_in(&shot_card(1), "Use this frame as next keyframe")
        .await?;
    browser
        .wait_for_text(".media-outcome", |t| {
            t.starts_with("Shot 2 now starts from this frame")
        })
        .await?;
    let keyframe = browser
        .wait_for_element(Locator::Css(&format!("{} .keyframe-image", shot_card(2))))
        .await?;
    let src = keyframe.attr("src").await?.unwrap_or_default();
    assert!(
        src.starts_with("data:image/png;base64,"),
        "a PNG frame: {}",
        &src[..src.len().min(40)]
    );
    browser.close().await?;
    sim.stop().await;
    Ok(())
}

/// A small real PNG on disk, for the file picker.
fn keyframe_png() -> anyhow::Result<std::path::PathBuf> {
    const SIZE_PX: u32 = 64;
    let path = std::env::temp_dir().join(format!("shotline-e2e-keyframe-{}.png", std::process::id()));
    let file = std::io::BufWriter::new(std::fs::File::create(&path)?);
    let mut encoder = png::Encoder::new(file, SIZE_PX, SIZE_PX);
    encoder.set_color(png::ColorType::Rgb);
    let mut writer = encoder.write_header()?;
    let pixels: Vec<u8> = (0..SIZE_PX * SIZE_PX)
        .flat_map(|i| [(i % SIZE_PX * 4) as u8, (i / SIZE_PX * 4) as u8, 160])
        .collect();
    writer.write_image_data(&pixels)?;
    writer.finish()?;
    Ok(path)
}

#[tokio::test]
async fn a_shot_with_a_keyframe_becomes_a_video_through_the_image_to_video_workflow() -> anyhow::Result<()> {
    let sim = Sim::start(&["--enable-cors-header", "--fake-models", "--step-ms", "20"]).await?;
    let site = StaticSite::start().await?;
    let browser = Browser::desktop().await?;
    browser.client.goto(&site.url()).await?;
    connect_and_pick(&browser, &sim, "img2vid_svd", "Keyframe to video").await?;
    browser
        .write_prompt(1, "the lighthouse beam sweeps the sea")
        .await?;
    let picker = browser
        .wait_for_element(Locator::Css(&format!("{} input[type=file]", shot_card(1))))
        .await?;
    picker.send_keys(&keyframe_png()?.to_string_lossy()).await?;
    browser
        .wait_for_element(Locator::Css(&format!("{} .keyframe-image", shot_card(1))))
        .await?;

    let status = browser
        .generate_shot(1, |t| t.starts_with("Done") || t.starts_with("Failed"))
        .await?;
    assert!(status.starts_with("Done"), "the run ended {status}");
    // The bundled SVD workflow saves its frames with SaveAnimatedWEBP: an animation.
    let animation = browser
        .wait_for_element(Locator::Css(&format!("{} .take-media img", shot_card(1))))
        .await?;
    let src = animation.attr("src").await?.unwrap_or_default();
    assert!(
        src.starts_with("data:image/webp;base64,"),
        "an animated WebP take"
    );
    browser
        .screenshot_at(
            &format!("{} .take-media", shot_card(1)),
            "generate-keyframe-to-video",
        )
        .await?;
    browser.close().await?;
    sim.stop().await;
    Ok(())
}
