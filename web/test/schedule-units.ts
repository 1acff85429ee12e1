// Test-only entry: the admin schedule's pure pieces (web/src/admin/schedule.ts), bundled by
// tests/web/test_schedule_units.py with esbuild and exercised in headless chromium. Never shipped.
import { describeRecurrence, parseWeekly, wallTime, weeklyRecurrence, zonedInstant } from '../src/admin/schedule';

declare global {
  interface Window {
    scheduleUnits: Record<string, unknown>;
  }
}

window.scheduleUnits = { describeRecurrence, parseWeekly, wallTime, weeklyRecurrence, zonedInstant };
