/**
 * Architecture boundaries, checked in CI by `npm run lint` (see README "Layout"):
 * - contracts/ imports nothing of ours;
 * - shared runtime code (infra/kit, infra/city) imports only contracts;
 * - services (ingest/, each processors/*, dispatch-ui gateway) import contracts and shared code,
 *   never each other: they talk through Kafka topics;
 * - processors/engine (@fenghuo/engine) is the rule engine the processors share, not a service:
 *   processors may import it (its entry points only); it imports only contracts and the two
 *   dependency-free kit modules (errors, mask), and no processor;
 * - the browser console (dispatch-ui/console) imports only contracts;
 * - production code never imports tests.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'contracts-import-nothing-of-ours',
      comment: 'contracts/ is the single source of truth and depends on no other part of Fenghuo.',
      severity: 'error',
      from: { path: '^contracts/' },
      to: { path: '^(infra|ingest|processors|dispatch-ui|test)/' },
    },
    {
      name: 'shared-code-imports-only-contracts',
      comment:
        'infra/kit and infra/city are shared runtime code: they may use contracts, nothing else of ours.',
      severity: 'error',
      from: { path: '^infra/(kit|city)/' },
      to: { path: '^(ingest|processors|dispatch-ui|infra/scripts)/' },
    },
    {
      name: 'kit-and-city-are-independent',
      severity: 'error',
      from: { path: '^infra/kit/src/' },
      to: { path: '^infra/city/' },
    },
    {
      name: 'city-does-not-need-the-kit',
      severity: 'error',
      from: { path: '^infra/city/src/' },
      to: { path: '^infra/kit/' },
    },
    {
      name: 'simulator-uses-only-public-apis',
      comment:
        'The simulator drives the platform the way real sources do, through the public HTTP APIs: it may use contracts, the kit and the city, never a service. Its tests may score with @fenghuo/engine.',
      severity: 'error',
      from: { path: '^infra/simulator/', pathNot: '\\.test\\.ts$' },
      to: { path: '^(ingest|processors|dispatch-ui|infra/scripts)/' },
    },
    {
      name: 'ingest-does-not-import-other-services',
      comment: 'Services talk through Kafka topics, not imports.',
      severity: 'error',
      from: { path: '^ingest/' },
      to: { path: '^(processors|dispatch-ui)/' },
    },
    {
      name: 'processors-do-not-import-other-services',
      comment:
        'Each processor is its own deployable; they talk through Kafka topics. processors/engine is the shared rule engine (a library), which any processor may use.',
      severity: 'error',
      from: { path: '^processors/([^/]+)/' },
      to: { path: '^(ingest|dispatch-ui|processors/(?!$1/|engine/))' },
    },
    {
      name: 'processors-use-the-engine-through-its-entry-points',
      comment:
        'Processors import @fenghuo/engine (src/index.ts) or @fenghuo/engine/test-support, never its internals.',
      severity: 'error',
      from: { path: '^processors/(?!engine/)' },
      to: {
        path: '^processors/engine/',
        pathNot: '^processors/engine/(src/index\\.ts|test/support/index\\.ts)$',
      },
    },
    {
      name: 'engine-imports-only-contracts-and-kit-leaves',
      comment:
        'The engine runs in every scoring processor and in backtests: it may use contracts and the dependency-free kit modules errors.ts, mask.ts and redis-slots.ts, nothing else of ours.',
      severity: 'error',
      from: { path: '^processors/engine/src/' },
      to: {
        path: '^(infra|ingest|dispatch-ui|test)/',
        pathNot: '^infra/kit/src/(errors|mask|redis-slots)\\.ts$',
      },
    },
    {
      name: 'gateway-does-not-import-other-services',
      severity: 'error',
      from: { path: '^dispatch-ui/' },
      to: { path: '^(ingest|processors)/' },
    },
    {
      name: 'console-imports-only-contracts',
      comment: 'The browser console reaches the system through the gateway only.',
      severity: 'error',
      from: { path: '^dispatch-ui/console/' },
      to: { path: '^(infra|ingest|processors|dispatch-ui/(?!console/))' },
    },
    {
      name: 'production-code-does-not-import-tests',
      severity: 'error',
      from: { path: '/src/', pathNot: '\\.test\\.ts$' },
      to: { path: '(^test/|\\.test\\.ts$|/test/)' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|\\.local|dist|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
