-- Tuning experiments that came in through the Kafka ingress: what work exists (tuning-service decides how they run).
create table experiment (
    name              varchar(40)  primary key,
    request_id        varchar(200) not null unique,
    spec              text         not null,
    created_at        timestamptz  not null,
    stop_requested_at timestamptz,
    stop_reason       text
);
