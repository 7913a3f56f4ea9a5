/** The view for each role. */

import { mountAnalyst } from './analyst.ts';
import type { AppContext, View } from './context.ts';
import { mountGridWorker } from './grid-reports.ts';
import { mountOfficer } from './officer.ts';
import { mountOperator } from './operator.ts';
import { mountSupervisor } from './supervisor.ts';

export function mountForRole(ctx: AppContext): View {
  const role = ctx.session.user.role;
  switch (role) {
    case 'operator':
      return mountOperator(ctx);
    case 'supervisor':
      return mountSupervisor(ctx);
    case 'officer':
      return mountOfficer(ctx);
    case 'grid_worker':
      return mountGridWorker(ctx);
    case 'analyst':
    case 'admin':
      return mountAnalyst(ctx);
    default: {
      const unreachable: never = role;
      throw new Error(`no view for ${String(unreachable)}`);
    }
  }
}
