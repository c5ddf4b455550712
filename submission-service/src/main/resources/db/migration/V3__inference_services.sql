-- Inference services: one row per live service (a deleted one is removed; its events stay on capstan.workloads).
create table inference_service (
    name        varchar(40)  primary key,
    request_id  varchar(200) unique,
    queue       varchar(100) not null,
    spec        text         not null,
    generation  bigint       not null,
    created_at  timestamptz  not null,
    updated_at  timestamptz  not null
);
create index inference_service_queue on inference_service (queue, name);
