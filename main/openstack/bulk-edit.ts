/**
 * Plans a change to several images: each image is read fresh (a few at a time) so the
 * preview shows the patch that will really be sent, and the change is checked first for
 * what Glance would refuse (common/properties.ts).
 */
import { bulkPatch, type BulkChange, type BulkPlan } from '../../common/bulk-edit';
import { AppError, defaultMessages, isAppError, type ErrorDetails } from '../../common/errors';
import { keyRule, propertyProblem } from '../../common/properties';
import { Limiter } from '../async/limiter';
import type { GlanceClient } from './glance';

const readConcurrency = 4;

function refused(problem: ErrorDetails): AppError {
  return new AppError({
    kind: 'validation',
    message: `Glance does not take this custom property (${problem.reason}).`,
    details: problem,
  });
}

/** The first property of the change Glance would refuse, as an error. */
function checkChange(change: BulkChange): void {
  for (const [key, value] of Object.entries(change.setProperties ?? {})) {
    const problem = propertyProblem(key, value);
    if (problem !== undefined) throw refused(problem);
  }
  for (const key of change.unsetProperties ?? []) {
    const rule = keyRule(key);
    if (rule !== undefined) throw refused({ reason: 'property-refused', key, rule });
  }
}

export async function planBulkEdit(
  glance: Pick<GlanceClient, 'getImage'>,
  projectId: string | null,
  imageIds: readonly string[],
  change: BulkChange,
): Promise<BulkPlan> {
  checkChange(change);
  const limiter = new Limiter(readConcurrency);
  const plan: BulkPlan = { projectId, edits: [], failed: [] };
  const reads = await Promise.allSettled(
    imageIds.map((imageId) => limiter.queue(() => glance.getImage(imageId))),
  );
  reads.forEach((read, index) => {
    if (read.status === 'fulfilled') {
      plan.edits.push({ image: read.value, ops: bulkPatch(read.value, change) });
    } else {
      const error = isAppError(read.reason)
        ? read.reason.toJSON()
        : { kind: 'unexpected' as const, message: defaultMessages.unexpected };
      plan.failed.push({ imageId: imageIds[index] as string, error });
    }
  });
  return plan;
}
