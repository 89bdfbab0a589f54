//! Charts drawn on the server as SVG: stacked horizontal bars with a legend, a
//! sentence that summarises the chart, and the data table behind it.

use leptos::prelude::*;

use super::Chart;

/// Series colours, each at least 3:1 against white, with a white stroke between
/// neighbours. The legend's `.swatch-N` classes in the style sheet repeat them, since
/// the content security policy allows no inline styles.
const COLOURS: [&str; 6] = [
    "#1f5fa8", "#b35c00", "#2e7d32", "#6a3d9a", "#b00020", "#5f6368",
];
const LABEL_WIDTH: u32 = 230;
const BAR_WIDTH: u32 = 340;
const ROW_HEIGHT: u32 = 26;
const BAR_HEIGHT: u32 = 18;
/// Maximum characters of a category label drawn in the chart. The table has the whole
/// text.
const LABEL_CHARS: usize = 24;

fn colour(series: usize) -> &'static str {
    COLOURS[series % COLOURS.len()]
}

fn shortened(label: &str) -> String {
    if label.chars().count() > LABEL_CHARS {
        let mut short: String = label.chars().take(LABEL_CHARS - 1).collect();
        short.push('…');
        short
    } else {
        label.to_owned()
    }
}

/// Renders one chart as a figure: title, summary, SVG, legend, data table and CSV
/// link. `csv_base` ends with `/`, and the chart's CSV is `{csv_base}{key}.csv`.
#[component]
pub fn ChartFigure(chart: Chart, #[prop(into)] csv_base: String) -> impl IntoView {
    let id = |part: &str| format!("chart-{}-{part}", chart.key);
    let csv = format!("{csv_base}{}.csv", chart.key);
    let empty = chart.is_empty();
    let table = chart.table();
    let header = table.first().cloned().unwrap_or_default();
    let body: Vec<Vec<String>> = table.into_iter().skip(1).collect();
    view! {
        <figure class="chart" aria-labelledby=id("title")>
            <h3 id=id("title")>{chart.title.clone()}</h3>
            <p id=id("summary") class="chart-summary">{chart.summary.clone()}</p>
            {(!empty).then(|| view! {
                // A phone scrolls the chart sideways rather than shrinking its labels.
                <div class="chart-scroll" tabindex="0" role="region" aria-label=format!("Chart: {}", chart.title)>
                    <Bars chart=chart.clone() title_id=id("svg-title") summary_id=id("summary")/>
                </div>
                <ul class="chart-legend" aria-label=format!("Legend: {}", chart.title)>
                    {chart.series.iter().enumerate().map(|(index, name)| view! {
                        <li><span class=format!("swatch swatch-{}", index % COLOURS.len())></span>{name.clone()}</li>
                    }).collect_view()}
                </ul>
            })}
            <details class="chart-data">
                <summary>{format!("Data table: {}", chart.title)}</summary>
                <div class="table-scroll">
                    <table>
                        <thead><tr>{header.into_iter().map(|cell| view! { <th scope="col">{cell}</th> }).collect_view()}</tr></thead>
                        <tbody>
                            {body.into_iter().map(|row| {
                                let mut cells = row.into_iter();
                                let first = cells.next().unwrap_or_default();
                                view! {
                                    <tr>
                                        <th scope="row">{first}</th>
                                        {cells.map(|cell| view! { <td class="number">{cell}</td> }).collect_view()}
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <p><a href=csv.clone() download>{format!("Download “{}” as CSV", chart.title)}</a></p>
            </details>
        </figure>
    }
}

/// Renders the SVG: one bar per category, its series stacked, the total at the end.
#[component]
fn Bars(chart: Chart, title_id: String, summary_id: String) -> impl IntoView {
    let largest = chart
        .values
        .iter()
        .map(|values| values.iter().sum::<u32>())
        .max()
        .unwrap_or(0)
        .max(1);
    let rows = u32::try_from(chart.categories.len()).unwrap_or(0);
    let height = rows * ROW_HEIGHT + 8;
    let width = LABEL_WIDTH + BAR_WIDTH + 50;
    let bars = chart
        .categories
        .iter()
        .zip(&chart.values)
        .enumerate()
        .map(|(row, (category, values))| {
            let y = u32::try_from(row).unwrap_or(0) * ROW_HEIGHT + 4;
            let total: u32 = values.iter().sum();
            let mut x = LABEL_WIDTH;
            let segments = values
                .iter()
                .enumerate()
                .filter(|(_, value)| **value > 0)
                .map(|(series, value)| {
                    let segment = (u64::from(*value) * u64::from(BAR_WIDTH) / u64::from(largest))
                        .max(1);
                    let segment = u32::try_from(segment).unwrap_or(BAR_WIDTH);
                    let start = x;
                    x += segment;
                    let name = chart.series.get(series).cloned().unwrap_or_default();
                    view! {
                        <rect x=start.to_string() y=y.to_string() width=segment.to_string() height=BAR_HEIGHT.to_string()
                            fill=colour(series) stroke="#ffffff" stroke-width="1">
                            <title>{format!("{category}, {name}: {value}")}</title>
                        </rect>
                    }
                })
                .collect_view();
            view! {
                <g>
                    <text x=(LABEL_WIDTH - 6).to_string() y=(y + 13).to_string() text-anchor="end" class="chart-label">{shortened(category)}</text>
                    {segments}
                    <text x=(x + 6).to_string() y=(y + 13).to_string() class="chart-value">{total.to_string()}</text>
                </g>
            }
        })
        .collect_view();
    let labelled_by = format!("{title_id} {summary_id}");
    view! {
        <svg class="chart-svg" role="img" aria-labelledby=labelled_by
            viewBox=format!("0 0 {width} {height}") preserveAspectRatio="xMinYMin meet">
            <title id=title_id>{chart.title.clone()}</title>
            {bars}
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_labels_are_shortened_with_an_ellipsis() {
        let long = "Facilitating Collaborative Learning Communities";
        let short = shortened(long);
        assert_eq!(short.chars().count(), LABEL_CHARS);
        assert!(short.ends_with('…'));
        assert_eq!(shortened("Short"), "Short");
    }
}
