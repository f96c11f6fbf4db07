//! The one snapshot of the pool's servers: single-shot placement and the render queue
//! both read [`Pool::members_now`], so a server's health, jobs in flight and fits are
//! gathered, and counted, one way.

use std::collections::BTreeMap;

use shotline_model::pool::{Fit, PoolMember};
use shotline_model::project::ProfileId;
use shotline_model::server_url::ServerUrl;

use super::Pool;

impl Pool {
    /// Each of `servers` now: socket, last answer, unfinished jobs, jobs being placed,
    /// and whether each of `profiles` passed preflight there. An unhealthy server is not
    /// asked for its node list: its fits stay unchecked.
    pub async fn members_now(&self, servers: &[ServerUrl], profiles: &[ProfileId]) -> Vec<PoolMember> {
        let mut members: Vec<PoolMember> = servers
            .iter()
            .map(|url| {
                let load = self.generation.server_load(url);
                PoolMember {
                    url: url.clone(),
                    socket: load.socket,
                    answered_ms_ago: load.answered_ms_ago,
                    unfinished: load.unfinished,
                    placing: self.placing_on(url),
                    fits: BTreeMap::new(),
                }
            })
            .collect();
        for member in members.iter_mut().filter(|member| member.is_healthy()) {
            for profile in profiles {
                let fit = self.fit(&member.url, profile).await;
                member.fits.insert(profile.clone(), fit);
            }
        }
        members
    }

    async fn fit(&self, server: &ServerUrl, profile: &ProfileId) -> Fit {
        match self.workflows.check_profile(server, profile).await {
            Ok(problems) => match problems.first() {
                Some(first) => Fit::Failed(format!(
                    "{} problem(s), first: {}",
                    problems.len(),
                    first.sentence
                )),
                None => Fit::Passed,
            },
            Err(error) => Fit::Failed(error.to_string()),
        }
    }
}
