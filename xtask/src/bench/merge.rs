//! `cargo xtask bench --only SUITE`: the rows of the measures that ran replace theirs in
//! bench/results.md and bench/results.json; every other row stays as the last run wrote
//! it, its own date beside it. Both files have one row a line, so rows are kept by line:
//! xtask has no serde and needs none for this.

/// The measure a results.md row is about: `| p4_run_s | 16.4 | …` → `p4_run_s`.
fn markdown_measure(line: &str) -> Option<&str> {
    let name = line.strip_prefix("| ")?.split(" |").next()?.trim();
    (!name.is_empty() && name != "measure" && !name.starts_with("---")).then_some(name)
}

/// The measure a results.json row is about: `    {"date": …, "measure": "p4_run_s", …`.
fn json_measure(line: &str) -> Option<&str> {
    let row = line.trim_start().strip_prefix('{')?;
    row.split_once("\"measure\": \"")?.1.split('"').next()
}

/// Rows of `old` whose measure neither ran now (`fresh`) nor is unknown to the tool
/// (`known`: a measure renamed or dropped since then goes with its row).
fn kept_rows<'a>(
    old: &'a str,
    measure: impl Fn(&str) -> Option<&str>,
    fresh: &[String],
    known: &dyn Fn(&str) -> bool,
) -> Vec<(usize, &'a str)> {
    old.lines()
        .enumerate()
        .filter(|(_, line)| measure(line).is_some_and(|name| known(name) && !fresh.iter().any(|f| f == name)))
        .collect()
}

/// The first row of `old` that the fresh rows replace: they go where it was.
fn first_replaced(old: &str, measure: impl Fn(&str) -> Option<&str>, fresh: &[String]) -> Option<usize> {
    old.lines()
        .position(|line| measure(line).is_some_and(|name| fresh.iter().any(|f| f == name)))
}

/// Splices the `fresh` rows (in the new file's words, one a line) into the table rows of
/// `old`, keeping the other rows and their order.
fn spliced(
    old: &str,
    fresh_rows: &[String],
    fresh: &[String],
    known: &dyn Fn(&str) -> bool,
    measure: impl Fn(&str) -> Option<&str> + Copy,
) -> Vec<String> {
    let kept = kept_rows(old, measure, fresh, known);
    let at = first_replaced(old, measure, fresh).unwrap_or(usize::MAX);
    let mut rows: Vec<String> = Vec::new();
    let mut placed = false;
    for (line_number, line) in kept {
        if !placed && line_number > at {
            rows.extend(fresh_rows.iter().cloned());
            placed = true;
        }
        rows.push(line.to_owned());
    }
    if !placed {
        rows.extend(fresh_rows.iter().cloned());
    }
    rows
}

/// results.md after a partial run: `new` is the table of what ran (as results_markdown
/// writes it); the heading and notes are the old file's, which the full run wrote.
pub fn markdown(old: &str, new: &str, known: &dyn Fn(&str) -> bool) -> String {
    let fresh_rows: Vec<String> = new
        .lines()
        .filter(|line| markdown_measure(line).is_some())
        .map(str::to_owned)
        .collect();
    let fresh: Vec<String> = fresh_rows
        .iter()
        .filter_map(|row| markdown_measure(row).map(str::to_owned))
        .collect();
    let rows = spliced(old, &fresh_rows, &fresh, known, markdown_measure);
    let lines: Vec<&str> = old.lines().collect();
    let table_start = lines.iter().position(|line| line.starts_with("|---"));
    let table_end = lines
        .iter()
        .rposition(|line| markdown_measure(line).is_some())
        .or(table_start);
    let (Some(start), Some(end)) = (table_start, table_end) else {
        return new.to_owned();
    };
    let mut out: Vec<String> = lines[..=start].iter().map(|l| (*l).to_owned()).collect();
    out.extend(rows);
    out.extend(lines[end + 1..].iter().map(|l| (*l).to_owned()));
    out.join("\n") + "\n"
}

/// results.json after a partial run: the top-level date is the newest; each row carries
/// its own (an old row without one gets the old file's date).
pub fn json(old: &str, new: &str, known: &dyn Fn(&str) -> bool) -> String {
    let old_date = old
        .lines()
        .find_map(|line| line.trim().strip_prefix("\"date\": "))
        .map(|date| date.trim_end_matches(',').to_owned());
    let fresh_rows: Vec<String> = new
        .lines()
        .filter(|line| json_measure(line).is_some())
        .map(|row| row.trim_end_matches(',').to_owned())
        .collect();
    let fresh: Vec<String> = fresh_rows
        .iter()
        .filter_map(|row| json_measure(row).map(str::to_owned))
        .collect();
    let rows: Vec<String> = spliced(old, &fresh_rows, &fresh, known, json_measure)
        .into_iter()
        .map(|row| {
            let row = row.trim_end_matches(',').to_owned();
            match &old_date {
                Some(date) if !row.contains("\"date\": ") => {
                    row.replacen("{\"measure\"", &format!("{{\"date\": {date}, \"measure\""), 1)
                }
                _ => row,
            }
        })
        .collect();
    let head: Vec<&str> = new
        .lines()
        .take_while(|line| json_measure(line).is_none())
        .collect();
    format!("{}\n{}\n  ]\n}}\n", head.join("\n"), rows.join(",\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD_MD: &str = "# Benchmarks\n\nintro\n\n| measure | value |\n|---|---|\n\
        | p3_a | 1 |\n| p4_run_s | 16 |\n| p4_gone | 3 |\n| pool_s | 5 |\n\nP1's note.\n";

    #[test]
    fn a_partial_run_replaces_its_rows_where_they_were_and_keeps_the_rest() {
        let new =
            "# Benchmarks\n\n| measure | value |\n|---|---|\n| p4_run_s | 17 |\n| p4_run_last_s | 18 |\n";
        let known = |name: &str| name != "p4_gone";
        let merged = markdown(OLD_MD, new, &known);
        assert_eq!(
            merged,
            "# Benchmarks\n\nintro\n\n| measure | value |\n|---|---|\n\
             | p3_a | 1 |\n| p4_run_s | 17 |\n| p4_run_last_s | 18 |\n| pool_s | 5 |\n\nP1's note.\n"
        );
    }

    #[test]
    fn json_rows_keep_their_own_date() {
        let old = "{\n  \"date\": \"2026-12-06\",\n  \"machine\": \"m\",\n  \"results\": [\n    \
                   {\"measure\": \"p3_a\", \"median\": 1},\n    {\"measure\": \"p4_run_s\", \"median\": 16}\n  ]\n}\n";
        let new = "{\n  \"date\": \"2026-12-08\",\n  \"machine\": \"m\",\n  \"results\": [\n    \
                   {\"date\": \"2026-12-08\", \"measure\": \"p4_run_s\", \"median\": 17}\n  ]\n}\n";
        let merged = json(old, new, &|_| true);
        assert_eq!(
            merged,
            "{\n  \"date\": \"2026-12-08\",\n  \"machine\": \"m\",\n  \"results\": [\n    \
             {\"date\": \"2026-12-06\", \"measure\": \"p3_a\", \"median\": 1},\n    \
             {\"date\": \"2026-12-08\", \"measure\": \"p4_run_s\", \"median\": 17}\n  ]\n}\n"
        );
    }
}
