-- processed_event rows are deleted once older than the retention (ProcessedEvents.forgetOld): find them by age.
create index processed_event_processed_at on processed_event (processed_at);
