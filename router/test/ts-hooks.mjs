// Lets the tests import the router's TypeScript modules directly (the loader the hive-gateway CLI uses).
import { register } from 'node:module';

register('@graphql-hive/importer/hooks', import.meta.url);
