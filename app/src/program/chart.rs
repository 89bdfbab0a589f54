//! The growth chart: a fellow's self-ratings and coach ratings for one competency
//! across the four rating points of the year, drawn as SVG on the server.

use leptos::prelude::*;

use super::format::STAGES;
use super::plan::{MOMENTS, RatingView, moment_index};

const WIDTH: i32 = 360;
const HEIGHT: i32 = 190;
const LEFT: i32 = 96;
const RIGHT: i32 = 16;
const TOP: i32 = 12;
const BOTTOM: i32 = 40;

fn x_of(index: usize) -> i32 {
    let span = WIDTH - LEFT - RIGHT;
    LEFT + span * index as i32 / (MOMENTS.len() as i32 - 1)
}

fn y_of(stage: i32) -> i32 {
    let span = HEIGHT - TOP - BOTTOM;
    TOP + span - span * (stage - 1) / 3
}

/// Returns the latest rating at each rating point, by the fellow (`by_coach` false) or
/// by staff.
pub fn latest_by_moment(ratings: &[RatingView], by_coach: bool) -> [Option<i32>; 4] {
    let mut latest = [None; 4];
    for rating in ratings.iter().filter(|rating| rating.by_coach == by_coach) {
        if let Some(index) = moment_index(rating.term, &rating.moment) {
            latest[index] = Some(rating.stage);
        }
    }
    latest
}

fn stage_name(stage: i32) -> &'static str {
    STAGES
        .get((stage - 1).clamp(0, 3) as usize)
        .copied()
        .unwrap_or("?")
}

/// Describes a series in words, for screen readers.
fn describe(series: &[Option<i32>; 4]) -> String {
    let parts: Vec<String> = series
        .iter()
        .enumerate()
        .filter_map(|(index, stage)| {
            stage.map(|stage| format!("{} {}", MOMENTS[index].2, stage_name(stage)))
        })
        .collect();
    if parts.is_empty() {
        "none yet".to_owned()
    } else {
        parts.join(", ")
    }
}

#[component]
pub fn GrowthChart(
    /// A unique id prefix for the chart's title and description.
    id: String,
    competency: String,
    /// The ratings of this competency, oldest first.
    ratings: Vec<RatingView>,
) -> impl IntoView {
    let own = latest_by_moment(&ratings, false);
    let coach = latest_by_moment(&ratings, true);
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let labelled_by = format!("{title_id} {desc_id}");
    let description = format!(
        "Self-ratings: {}. Coach and staff ratings: {}.",
        describe(&own),
        describe(&coach)
    );
    let points: Vec<(i32, i32)> = own
        .iter()
        .enumerate()
        .filter_map(|(index, stage)| stage.map(|stage| (x_of(index), y_of(stage))))
        .collect();
    let line = points
        .iter()
        .map(|(x, y)| format!("{x},{y}"))
        .collect::<Vec<_>>()
        .join(" ");
    let grid = (1..=4)
        .map(|stage| {
            let y = y_of(stage);
            view! {
                <line x1=LEFT x2=WIDTH - RIGHT y1=y y2=y class="chart-grid"/>
                <text x=LEFT - 8 y=y + 4 text-anchor="end" class="chart-label">{stage_name(stage)}</text>
            }
        })
        .collect_view();
    let moments = MOMENTS
        .iter()
        .enumerate()
        .map(|(index, (_, _, label))| {
            let x = x_of(index);
            let (first, second) = label.split_once(' ').map_or((*label, ""), |(a, b)| (a, b));
            view! {
                <text x=x y=HEIGHT - BOTTOM + 16 text-anchor="middle" class="chart-label">{first}</text>
                <text x=x y=HEIGHT - BOTTOM + 30 text-anchor="middle" class="chart-label">{second.to_owned()}</text>
            }
        })
        .collect_view();
    let own_marks = points
        .iter()
        .map(|(x, y)| view! { <circle cx=*x cy=*y r="6" class="chart-own"/> })
        .collect_view();
    let coach_marks = coach
        .iter()
        .enumerate()
        .filter_map(|(index, stage)| stage.map(|stage| (x_of(index), y_of(stage))))
        .map(|(x, y)| {
            let diamond = format!("{x},{} {},{y} {x},{} {},{y}", y - 7, x + 7, y + 7, x - 7);
            view! { <polygon points=diamond class="chart-coach"/> }
        })
        .collect_view();
    view! {
        <figure class="growth-chart">
            <svg
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                role="img"
                aria-labelledby=labelled_by
                width="100%"
                preserveAspectRatio="xMinYMin meet"
            >
                <title id=title_id>{format!("Growth in {competency}")}</title>
                <desc id=desc_id>{description}</desc>
                {grid}
                {moments}
                <polyline points=line class="chart-line"/>
                {own_marks}
                {coach_marks}
            </svg>
            <figcaption class="chart-legend">
                <span class="legend-own">"● Self-rating"</span>
                " "
                <span class="legend-coach">"◆ Coach or staff rating"</span>
            </figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rating(term: i32, moment: &str, stage: i32, by_coach: bool) -> RatingView {
        RatingView {
            competency_id: 1,
            term,
            moment: moment.into(),
            stage,
            by_coach,
            rater_role: if by_coach { "coach" } else { "fellow" }.into(),
            rater: String::new(),
            note: String::new(),
            given_at: String::new(),
        }
    }

    #[test]
    fn latest_by_moment_keeps_newest() {
        let ratings = [
            rating(1, "start", 1, false),
            rating(1, "start", 2, false),
            rating(2, "end", 4, false),
            rating(1, "end", 3, true),
        ];
        assert_eq!(
            latest_by_moment(&ratings, false),
            [Some(2), None, None, Some(4)]
        );
        assert_eq!(
            latest_by_moment(&ratings, true),
            [None, Some(3), None, None]
        );
        assert_eq!(
            describe(&latest_by_moment(&ratings, false)),
            "Term 1 start Developing, Term 2 end Transforming"
        );
    }

    #[test]
    fn higher_stages_sit_higher() {
        assert!(y_of(4) < y_of(1));
        assert_eq!(x_of(0), LEFT);
        assert_eq!(x_of(3), WIDTH - RIGHT);
    }
}
