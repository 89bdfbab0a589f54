//! Reading and saving fellows' choices and growth ratings. Server only.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

use super::choices::SecondTermPick;
use super::plan::{ChoiceSet, FellowRow, RatingView};
use crate::cohorts::schedule_store::zone_or_default;
use crate::entities::{cohort_memberships, competency_choices, growth_ratings, users};

pub fn choice_set(row: Option<&competency_choices::Model>) -> ChoiceSet {
    let Some(row) = row else {
        return ChoiceSet::default();
    };
    ChoiceSet {
        overarching: [row.overarching_first_id, row.overarching_second_id]
            .into_iter()
            .flatten()
            .collect(),
        pathway_group: row.pathway_group_id,
        pathway_competency: row.pathway_competency_id,
        decc: row.decc_competency_id,
    }
}

pub async fn find_choices(
    db: &impl ConnectionTrait,
    cohort_id: i32,
    fellow_id: i32,
) -> Result<Option<competency_choices::Model>, DbErr> {
    competency_choices::Entity::find()
        .filter(competency_choices::Column::CohortId.eq(cohort_id))
        .filter(competency_choices::Column::FellowUserId.eq(fellow_id))
        .one(db)
        .await
}

/// A change to one term's choices.
pub enum ChoiceUpdate {
    FirstTerm(i32, i32),
    SecondTerm(SecondTermPick),
}

/// Saves one term's choices, creating the fellow's row on first use.
pub async fn save_choices(
    db: &impl ConnectionTrait,
    cohort_id: i32,
    fellow_id: i32,
    update: &ChoiceUpdate,
) -> Result<(), DbErr> {
    let existing = find_choices(db, cohort_id, fellow_id).await?;
    let mut model = match existing {
        Some(row) => competency_choices::ActiveModel {
            id: sea_orm::ActiveValue::Unchanged(row.id),
            ..Default::default()
        },
        None => competency_choices::ActiveModel {
            cohort_id: Set(cohort_id),
            fellow_user_id: Set(fellow_id),
            ..Default::default()
        },
    };
    match update {
        ChoiceUpdate::FirstTerm(first, second) => {
            model.overarching_first_id = Set(Some(*first));
            model.overarching_second_id = Set(Some(*second));
        }
        ChoiceUpdate::SecondTerm(pick) => {
            model.pathway_group_id = Set(Some(pick.pathway_group_id));
            model.pathway_competency_id = Set(Some(pick.pathway_competency_id));
            model.decc_competency_id = Set(Some(pick.decc_competency_id));
        }
    }
    model.updated_at = Set(Utc::now());
    model.save(db).await.map(|_| ())
}

/// Reads a fellow's ratings, oldest first, with rater names and times in the viewer's
/// zone.
pub async fn ratings(
    db: &impl ConnectionTrait,
    cohort_id: i32,
    fellow_id: i32,
    viewer_zone: &str,
) -> Result<Vec<RatingView>, DbErr> {
    let rows = growth_ratings::Entity::find()
        .filter(growth_ratings::Column::CohortId.eq(cohort_id))
        .filter(growth_ratings::Column::FellowUserId.eq(fellow_id))
        .order_by_asc(growth_ratings::Column::CreatedAt)
        .order_by_asc(growth_ratings::Column::Id)
        .all(db)
        .await?;
    let rater_ids: Vec<i32> = rows.iter().map(|row| row.rated_by_user_id).collect();
    let names: HashMap<i32, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(rater_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|user| (user.id, user.display_name))
        .collect();
    let zone = zone_or_default(viewer_zone);
    Ok(rows
        .into_iter()
        .map(|row| RatingView {
            competency_id: row.competency_id,
            term: row.term_position,
            moment: row.moment,
            stage: row.stage,
            by_coach: row.rater_role != "fellow",
            rater_role: row.rater_role.clone(),
            rater: names
                .get(&row.rated_by_user_id)
                .cloned()
                .unwrap_or_default(),
            note: row.note,
            given_at: crate::local_time::format_in_zone(row.created_at, zone),
        })
        .collect())
}

/// A new rating.
pub struct NewRating {
    pub cohort_id: i32,
    pub fellow_id: i32,
    pub competency_id: i32,
    pub term: i32,
    pub moment: &'static str,
    pub stage: i32,
    pub rated_by: i32,
    /// `fellow`, `coach` or `administrator`.
    pub rater_role: &'static str,
    pub note: String,
    pub at: DateTime<Utc>,
}

pub async fn add_rating(db: &impl ConnectionTrait, rating: NewRating) -> Result<(), DbErr> {
    growth_ratings::ActiveModel {
        cohort_id: Set(rating.cohort_id),
        fellow_user_id: Set(rating.fellow_id),
        competency_id: Set(rating.competency_id),
        term_position: Set(rating.term),
        moment: Set(rating.moment.to_owned()),
        stage: Set(rating.stage),
        rated_by_user_id: Set(rating.rated_by),
        rater_role: Set(rating.rater_role.to_owned()),
        note: Set(rating.note),
        created_at: Set(rating.at),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// Reads the fellows of a cohort with their choices, in a fixed number of statements.
pub async fn fellows(
    db: &impl ConnectionTrait,
    cohort_id: i32,
    framework: &super::FrameworkView,
) -> Result<Vec<FellowRow>, DbErr> {
    let fellow_ids: Vec<i32> = cohort_memberships::Entity::find()
        .filter(cohort_memberships::Column::CohortId.eq(cohort_id))
        .filter(cohort_memberships::Column::Role.eq("fellow"))
        .all(db)
        .await?
        .into_iter()
        .map(|membership| membership.user_id)
        .collect();
    let people = users::Entity::find()
        .filter(users::Column::Id.is_in(fellow_ids))
        .order_by_asc(users::Column::DisplayName)
        .all(db)
        .await?;
    let choices: HashMap<i32, competency_choices::Model> = competency_choices::Entity::find()
        .filter(competency_choices::Column::CohortId.eq(cohort_id))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.fellow_user_id, row))
        .collect();
    let mut rating_counts: HashMap<i32, usize> = HashMap::new();
    for rating in growth_ratings::Entity::find()
        .filter(growth_ratings::Column::CohortId.eq(cohort_id))
        .all(db)
        .await?
    {
        *rating_counts.entry(rating.fellow_user_id).or_default() += 1;
    }
    let competency_name = |id: Option<i32>| {
        id.and_then(|id| framework.competency(id))
            .map(|competency| competency.name.clone())
            .unwrap_or_default()
    };
    Ok(people
        .into_iter()
        .map(|person| {
            let set = choice_set(choices.get(&person.id));
            FellowRow {
                id: person.id,
                name: person.display_name,
                first_term: set
                    .overarching
                    .iter()
                    .map(|id| competency_name(Some(*id)))
                    .collect(),
                pathway: set
                    .pathway_group
                    .and_then(|id| framework.group(id))
                    .map(|group| group.name.clone())
                    .unwrap_or_default(),
                pathway_competency: competency_name(set.pathway_competency),
                decc: competency_name(set.decc),
                ratings: rating_counts.get(&person.id).copied().unwrap_or(0),
            }
        })
        .collect())
}
