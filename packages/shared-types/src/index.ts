// The package's one entry point: the model and the BFF's API contracts, written once and inferred everywhere.
export * from './api/apply.ts';
export * from './api/auth.ts';
export * from './api/conflicts.ts';
export * from './api/health.ts';
export * from './api/lifecycle.ts';
export * from './api/problem.ts';
export * from './api/recommendations.ts';
export * from './api/rules.ts';
export * from './api/sources.ts';
export * from './api/stream.ts';
export * from './api/sync.ts';
export * from './model/lifecycle.ts';
export * from './model/recommendation.ts';
export * from './model/source.ts';
