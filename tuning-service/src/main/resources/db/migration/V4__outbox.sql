-- Decisions published on capstan.tuning, written in the same transaction as the decision; the relay publishes then
-- deletes them (service-support's outbox).
create table outbox (
    id         bigserial    primary key,
    topic      varchar(200) not null,
    event_key  varchar(200) not null,
    event_id   varchar(64)  not null,
    event_type varchar(200) not null,
    payload    text         not null,
    created_at timestamptz  not null
);

-- service-support's consumer idempotency table (its entity is validated with the others; unused here so far).
create table processed_event (
    event_id     varchar(64) primary key,
    processed_at timestamptz not null
);
