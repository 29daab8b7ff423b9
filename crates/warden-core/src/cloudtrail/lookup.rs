//! LookupEvents: the account's event history, newest first, filtered by one attribute and
//! a time range, 50 events a page at most.

use warden_protocol::cloudtrail::{
    Event, LookupEventsRequest, LookupEventsResponse, Resource, errors,
};
use warden_store::{AuditQuery, LOOKUP_MAX_RESULTS, LookupAttribute, StoredAuditRecord};

use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError, timestamp};

/// How far back event history reaches when no start time is given (CloudTrail: 90 days).
const DEFAULT_HISTORY_DAYS: i64 = 90;

impl Handle for LookupEventsRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::anywhere())
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<LookupEventsResponse, ServiceError> {
        lookup_events(call.ctx, self)
    }
}

fn lookup_events(
    ctx: &Ctx<'_>,
    input: LookupEventsRequest,
) -> Result<LookupEventsResponse, ServiceError> {
    let max_results = match input.max_results {
        None => LOOKUP_MAX_RESULTS,
        Some(n) => u32::try_from(n)
            .ok()
            .filter(|n| (1..=LOOKUP_MAX_RESULTS).contains(n))
            .ok_or_else(|| {
                ServiceError::modeled(
                    &errors::INVALID_MAX_RESULTS,
                    "MaxResults must be between 1 and 50.",
                )
            })?,
    };
    if let (Some(start), Some(end)) = (input.start_time, input.end_time)
        && start > end
    {
        return Err(ServiceError::modeled(
            &errors::INVALID_TIME_RANGE,
            "Start time must be earlier than end time.",
        ));
    }
    if input.event_category.is_some() {
        // Only `insight` is a valid category, and Warden produces no Insights events.
        return Ok(LookupEventsResponse {
            events: Some(Vec::new()),
            next_token: None,
        });
    }
    let attributes = input.lookup_attributes.unwrap_or_default();
    if attributes.len() > 1 {
        return Err(ServiceError::modeled(
            &errors::INVALID_LOOKUP_ATTRIBUTES,
            "You cannot specify more than one lookup attribute.",
        ));
    }
    let attribute = attributes
        .into_iter()
        .next()
        .map(|a| attribute(&a.attribute_key, a.attribute_value))
        .transpose()?;
    let default_start =
        ctx.warden.now().as_millisecond() - DEFAULT_HISTORY_DAYS * 24 * 60 * 60 * 1000;
    let query = AuditQuery {
        account_id: ctx.account().to_owned(),
        start_time: Some(
            input
                .start_time
                .map_or(default_start, |t| t.as_millisecond()),
        ),
        end_time: input.end_time.map(|t| t.as_millisecond()),
        attribute,
        max_results,
        next_token: input.next_token,
    };
    // An unknown page token is CloudTrail's InvalidNextTokenException (the store error's
    // mapping).
    let page = ctx.warden.audit.lookup(&query)?;
    let events = page
        .records
        .iter()
        .map(to_event)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(LookupEventsResponse {
        events: Some(events),
        next_token: page.next_token,
    })
}

/// One lookup attribute, validated as CloudTrail does.
fn attribute(key: &str, value: String) -> Result<LookupAttribute, ServiceError> {
    Ok(match key {
        "EventId" => LookupAttribute::EventId(value),
        "EventName" => LookupAttribute::EventName(value),
        "ReadOnly" => match value.as_str() {
            "true" => LookupAttribute::ReadOnly(true),
            "false" => LookupAttribute::ReadOnly(false),
            _ => {
                return Err(ServiceError::modeled(
                    &errors::INVALID_LOOKUP_ATTRIBUTES,
                    "The ReadOnly attribute value must be true or false.",
                ));
            }
        },
        "Username" => LookupAttribute::Username(value),
        "ResourceType" => LookupAttribute::ResourceType(value),
        "ResourceName" => LookupAttribute::ResourceName(value),
        "EventSource" => LookupAttribute::EventSource(value),
        "AccessKeyId" => LookupAttribute::AccessKeyId(value),
        other => {
            return Err(ServiceError::modeled(
                &errors::INVALID_LOOKUP_ATTRIBUTES,
                format!("Invalid attribute key: {other}."),
            ));
        }
    })
}

/// A stored record as LookupEvents shows it: the summary fields plus the whole record.
fn to_event(stored: &StoredAuditRecord) -> Result<Event, ServiceError> {
    let record = &stored.record;
    let body = String::from_utf8(record.body.clone())
        .map_err(|_| ServiceError::Internal("an audit record is not UTF-8".to_owned()))?;
    Ok(Event {
        event_id: Some(record.event_id.clone()),
        event_name: Some(record.event_name.clone()),
        read_only: Some(record.read_only.to_string()),
        access_key_id: record.access_key_id.clone(),
        event_time: Some(timestamp(record.event_time)),
        event_source: Some(record.event_source.clone()),
        username: record.username.clone(),
        resources: Some(
            record
                .resources
                .iter()
                .map(|resource| Resource {
                    resource_type: Some(resource.resource_type.clone()),
                    resource_name: Some(resource.resource_name.clone()),
                })
                .collect(),
        ),
        cloud_trail_event: Some(body),
    })
}
