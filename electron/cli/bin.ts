// Process entry of the CLI when its TypeScript sources run directly (through tsx): the bundle's
// launcher calls start() itself.
import { start } from './start';

start();
