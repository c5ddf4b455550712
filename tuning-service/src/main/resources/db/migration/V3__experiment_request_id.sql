-- The upstream request an experiment came from through the Kafka ingress (submission-service's ExperimentSubmitted):
-- the same request delivered again finds its experiment instead of a name conflict. Null for REST-created ones.
alter table experiment add column request_id varchar(200) unique;
