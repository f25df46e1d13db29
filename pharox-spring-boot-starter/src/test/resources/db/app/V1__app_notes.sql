-- the application's own migration, run by Spring Boot's Flyway beside Pharox's
CREATE TABLE app_note (id bigint PRIMARY KEY, body varchar(200) NOT NULL);
