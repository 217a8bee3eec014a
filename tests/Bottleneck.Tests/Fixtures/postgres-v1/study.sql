--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: bottleneck; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA bottleneck;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: invocations; Type: TABLE; Schema: bottleneck; Owner: -
--

CREATE TABLE bottleneck.invocations (
    study text NOT NULL,
    id text NOT NULL,
    at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    json text NOT NULL
);


--
-- Name: meta; Type: TABLE; Schema: bottleneck; Owner: -
--

CREATE TABLE bottleneck.meta (
    name text NOT NULL,
    value text NOT NULL
);


--
-- Name: stages; Type: TABLE; Schema: bottleneck; Owner: -
--

CREATE TABLE bottleneck.stages (
    study text NOT NULL,
    key text NOT NULL,
    stage text NOT NULL,
    json text NOT NULL,
    saves integer DEFAULT 1 NOT NULL,
    seq bigint NOT NULL
);


--
-- Name: stages_seq_seq; Type: SEQUENCE; Schema: bottleneck; Owner: -
--

CREATE SEQUENCE bottleneck.stages_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: stages_seq_seq; Type: SEQUENCE OWNED BY; Schema: bottleneck; Owner: -
--

ALTER SEQUENCE bottleneck.stages_seq_seq OWNED BY bottleneck.stages.seq;


--
-- Name: studies; Type: TABLE; Schema: bottleneck; Owner: -
--

CREATE TABLE bottleneck.studies (
    study text NOT NULL,
    definition text NOT NULL,
    fingerprint text,
    version text,
    created_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL
);


--
-- Name: trials; Type: TABLE; Schema: bottleneck; Owner: -
--

CREATE TABLE bottleneck.trials (
    study text NOT NULL,
    key text NOT NULL,
    ord bigint NOT NULL,
    result text,
    claimed_by text,
    claim_token bigint DEFAULT 0 NOT NULL,
    claimed_at timestamp with time zone,
    heartbeat timestamp with time zone,
    failures integer DEFAULT 0 NOT NULL,
    last_error text
);


--
-- Name: workers; Type: TABLE; Schema: bottleneck; Owner: -
--

CREATE TABLE bottleneck.workers (
    study text NOT NULL,
    worker text NOT NULL,
    started_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    heartbeat timestamp with time zone DEFAULT clock_timestamp() NOT NULL
);


--
-- Name: stages seq; Type: DEFAULT; Schema: bottleneck; Owner: -
--

ALTER TABLE ONLY bottleneck.stages ALTER COLUMN seq SET DEFAULT nextval('bottleneck.stages_seq_seq'::regclass);


--
-- Data for Name: invocations; Type: TABLE DATA; Schema: bottleneck; Owner: -
--

INSERT INTO bottleneck.invocations VALUES ('v1-tune', 'dcc8f91980c44dddac3383fe03b20352-1', '2026-12-02 13:52:29.025625+00', '{"command":"bottleneck tune --dataset digits --model dense --code-size 8 --grid lr=1e-3,3e-3 --epochs 2 --folds 2 --out /tmp/pgv1tune --storage postgresql://bottleneck@127.0.0.1:40525/fixv1 --study v1-tune","started":"2026-12-02T13:52:28.4715197+00:00","threads":2}');


--
-- Data for Name: meta; Type: TABLE DATA; Schema: bottleneck; Owner: -
--

INSERT INTO bottleneck.meta VALUES ('schema_version', '1');


--
-- Data for Name: stages; Type: TABLE DATA; Schema: bottleneck; Owner: -
--

INSERT INTO bottleneck.stages VALUES ('v1-tune', '{"lr":0.001}', 'b2/fold0', '{"status":"completed","epochs":[{"epoch":1,"train_loss":0.1873708727809685,"val_loss":0.18636739713855596,"seconds":0.1078338,"train_seconds":0.1060782,"lr":0.001},{"epoch":2,"train_loss":0.1862735153130224,"val_loss":0.18538610588549154,"seconds":0.0008986,"train_seconds":0.0006019,"lr":0.001}]}', 1, 1);
INSERT INTO bottleneck.stages VALUES ('v1-tune', '{"lr":0.001}', 'b2/fold1', '{"status":"completed","epochs":[{"epoch":1,"train_loss":0.1848324852102942,"val_loss":0.1844510309409245,"seconds":0.001131,"train_seconds":0.0006591,"lr":0.001},{"epoch":2,"train_loss":0.1835647492451201,"val_loss":0.18313909250063848,"seconds":0.0008397,"train_seconds":0.0004966,"lr":0.001}]}', 1, 2);
INSERT INTO bottleneck.stages VALUES ('v1-tune', '{"lr":0.003}', 'b2/fold0', '{"status":"completed","epochs":[{"epoch":1,"train_loss":0.1857758248543137,"val_loss":0.18229448901439632,"seconds":0.0014533,"train_seconds":0.000622,"lr":0.003},{"epoch":2,"train_loss":0.18206979544697685,"val_loss":0.1784251323439601,"seconds":0.0008335,"train_seconds":0.0005443,"lr":0.003}]}', 1, 3);
INSERT INTO bottleneck.stages VALUES ('v1-tune', '{"lr":0.003}', 'b2/fold1', '{"status":"completed","epochs":[{"epoch":1,"train_loss":0.17803500597130298,"val_loss":0.17628967602575338,"seconds":0.0104216,"train_seconds":0.0045351,"lr":0.003},{"epoch":2,"train_loss":0.17495402667218216,"val_loss":0.17226937337934883,"seconds":0.0008586,"train_seconds":0.0005676,"lr":0.003}]}', 1, 4);


--
-- Data for Name: studies; Type: TABLE DATA; Schema: bottleneck; Owner: -
--

INSERT INTO bottleneck.studies VALUES ('v1-tune', '{"settings":{"kind":"tune","dataset":"digits","limit":null,"model":"dense","code_size":8,"hidden":[],"optimizer":"adam","defaults":"pytorch","lr":0.001,"weight_decay":0,"loss":"mse","epochs":2,"batch_size":256,"schedule":null,"early_stopping":null,"folds":2,"score":"mean_val_loss","last_epochs":5,"score_best":false,"seed":0,"pruner":"none","halving":false,"eta":3,"min_epochs":0},"trials":[{"lr":0.001},{"lr":0.003}]}', '0a4f636fefc2094e1364fafc9fe28e489e6993070e071f401b042ae7255d6305', '0.6.0', '2026-12-02 13:52:28.969758+00');


--
-- Data for Name: trials; Type: TABLE DATA; Schema: bottleneck; Owner: -
--

INSERT INTO bottleneck.trials VALUES ('v1-tune', '{"lr":0.001}', 0, '{"params":{"lr":0.001},"status":"completed","budget_epochs":2,"fold_val_losses":[0.18538610588549154,0.18313909250063848],"mean_val_loss":0.184262599193065,"std_val_loss":0.001588878401846535,"fold_train_losses":[0.1862735153130224,0.1835647492451201],"mean_train_loss":0.18491913227907125,"std_train_loss":0.0019153868552617339,"score":0.184262599193065,"epochs_trained":4,"folds":[{"status":"completed","epochs":[{"epoch":1,"train_loss":0.1873708727809685,"val_loss":0.18636739713855596,"seconds":0.1078338,"train_seconds":0.1060782,"lr":0.001},{"epoch":2,"train_loss":0.1862735153130224,"val_loss":0.18538610588549154,"seconds":0.0008986,"train_seconds":0.0006019,"lr":0.001}]},{"status":"completed","epochs":[{"epoch":1,"train_loss":0.1848324852102942,"val_loss":0.1844510309409245,"seconds":0.001131,"train_seconds":0.0006591,"lr":0.001},{"epoch":2,"train_loss":0.1835647492451201,"val_loss":0.18313909250063848,"seconds":0.0008397,"train_seconds":0.0004966,"lr":0.001}]}]}', NULL, 1, NULL, NULL, 0, NULL);
INSERT INTO bottleneck.trials VALUES ('v1-tune', '{"lr":0.003}', 1, '{"params":{"lr":0.003},"status":"completed","budget_epochs":2,"fold_val_losses":[0.1784251323439601,0.17226937337934883],"mean_val_loss":0.17534725286165448,"std_val_loss":0.004352778907226505,"fold_train_losses":[0.18206979544697685,0.17495402667218216],"mean_train_loss":0.1785119110595795,"std_train_loss":0.00503160835401282,"score":0.17534725286165448,"epochs_trained":4,"folds":[{"status":"completed","epochs":[{"epoch":1,"train_loss":0.1857758248543137,"val_loss":0.18229448901439632,"seconds":0.0014533,"train_seconds":0.000622,"lr":0.003},{"epoch":2,"train_loss":0.18206979544697685,"val_loss":0.1784251323439601,"seconds":0.0008335,"train_seconds":0.0005443,"lr":0.003}]},{"status":"completed","epochs":[{"epoch":1,"train_loss":0.17803500597130298,"val_loss":0.17628967602575338,"seconds":0.0104216,"train_seconds":0.0045351,"lr":0.003},{"epoch":2,"train_loss":0.17495402667218216,"val_loss":0.17226937337934883,"seconds":0.0008586,"train_seconds":0.0005676,"lr":0.003}]}]}', NULL, 1, NULL, NULL, 0, NULL);


--
-- Data for Name: workers; Type: TABLE DATA; Schema: bottleneck; Owner: -
--

INSERT INTO bottleneck.workers VALUES ('v1-tune', 'vm@4026531836:27566:3ada9516', '2026-12-02 13:52:29.138213+00', '2026-12-02 13:52:29.138213+00');


--
-- Name: stages_seq_seq; Type: SEQUENCE SET; Schema: bottleneck; Owner: -
--

SELECT pg_catalog.setval('bottleneck.stages_seq_seq', 4, true);


--
-- Name: invocations invocations_pkey; Type: CONSTRAINT; Schema: bottleneck; Owner: -
--

ALTER TABLE ONLY bottleneck.invocations
    ADD CONSTRAINT invocations_pkey PRIMARY KEY (study, id);


--
-- Name: meta meta_pkey; Type: CONSTRAINT; Schema: bottleneck; Owner: -
--

ALTER TABLE ONLY bottleneck.meta
    ADD CONSTRAINT meta_pkey PRIMARY KEY (name);


--
-- Name: stages stages_pkey; Type: CONSTRAINT; Schema: bottleneck; Owner: -
--

ALTER TABLE ONLY bottleneck.stages
    ADD CONSTRAINT stages_pkey PRIMARY KEY (study, key, stage);


--
-- Name: studies studies_pkey; Type: CONSTRAINT; Schema: bottleneck; Owner: -
--

ALTER TABLE ONLY bottleneck.studies
    ADD CONSTRAINT studies_pkey PRIMARY KEY (study);


--
-- Name: trials trials_pkey; Type: CONSTRAINT; Schema: bottleneck; Owner: -
--

ALTER TABLE ONLY bottleneck.trials
    ADD CONSTRAINT trials_pkey PRIMARY KEY (study, key);


--
-- Name: trials trials_study_ord_key; Type: CONSTRAINT; Schema: bottleneck; Owner: -
--

ALTER TABLE ONLY bottleneck.trials
    ADD CONSTRAINT trials_study_ord_key UNIQUE (study, ord);


--
-- Name: workers workers_pkey; Type: CONSTRAINT; Schema: bottleneck; Owner: -
--

ALTER TABLE ONLY bottleneck.workers
    ADD CONSTRAINT workers_pkey PRIMARY KEY (study, worker);


--
-- Name: trials_claimed; Type: INDEX; Schema: bottleneck; Owner: -
--

CREATE INDEX trials_claimed ON bottleneck.trials USING btree (study, claimed_by) WHERE (result IS NULL);


--
-- Name: trials_open; Type: INDEX; Schema: bottleneck; Owner: -
--

CREATE INDEX trials_open ON bottleneck.trials USING btree (study, ord) WHERE (result IS NULL);


--
-- Name: invocations invocations_study_fkey; Type: FK CONSTRAINT; Schema: bottleneck; Owner: -
--

ALTER TABLE ONLY bottleneck.invocations
    ADD CONSTRAINT invocations_study_fkey FOREIGN KEY (study) REFERENCES bottleneck.studies(study) ON DELETE CASCADE;


--
-- Name: stages stages_study_key_fkey; Type: FK CONSTRAINT; Schema: bottleneck; Owner: -
--

ALTER TABLE ONLY bottleneck.stages
    ADD CONSTRAINT stages_study_key_fkey FOREIGN KEY (study, key) REFERENCES bottleneck.trials(study, key) ON DELETE CASCADE;


--
-- Name: trials trials_study_fkey; Type: FK CONSTRAINT; Schema: bottleneck; Owner: -
--

ALTER TABLE ONLY bottleneck.trials
    ADD CONSTRAINT trials_study_fkey FOREIGN KEY (study) REFERENCES bottleneck.studies(study) ON DELETE CASCADE;


--
-- Name: workers workers_study_fkey; Type: FK CONSTRAINT; Schema: bottleneck; Owner: -
--

ALTER TABLE ONLY bottleneck.workers
    ADD CONSTRAINT workers_study_fkey FOREIGN KEY (study) REFERENCES bottleneck.studies(study) ON DELETE CASCADE;


--
-- PostgreSQL database dump complete
--


