drop table if exists {frame};
