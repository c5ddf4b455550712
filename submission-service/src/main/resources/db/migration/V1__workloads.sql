-- What work exists and how it went. One row per workload; history rows per status change.
create table workload (
    id            varchar(40)  primary key,
    request_id    varchar(200) unique,
    kind          varchar(20)  not null,
    name          varchar(100) not null,
    queue         varchar(100) not null,
    spec          text         not null,
    status        varchar(20)  not null,
    reason        text,
    attempt       integer      not null default 0,
    placement     text,
    created_at    timestamptz  not null,
    updated_at    timestamptz  not null
);
create index workload_status_queue on workload (status, queue, created_at);
create index workload_queue on workload (queue, created_at);

create table workload_transition (
    id          bigserial    primary key,
    workload_id varchar(40)  not null references workload (id),
    from_status varchar(20),
    to_status   varchar(20)  not null,
    reason      text,
    at          timestamptz  not null
);
create index workload_transition_workload on workload_transition (workload_id, id);

-- Events written in the same transaction as the state change; the relay publishes then deletes them.
create table outbox (
    id         bigserial    primary key,
    topic      varchar(200) not null,
    event_key  varchar(200) not null,
    event_id   varchar(64)  not null,
    event_type varchar(200) not null,
    payload    text         not null,
    created_at timestamptz  not null
);

-- Consumer idempotency: the CloudEvents id of every event applied, recorded in the same transaction.
create table processed_event (
    event_id     varchar(64) primary key,
    processed_at timestamptz not null
);
