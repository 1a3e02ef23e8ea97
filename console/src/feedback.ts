import { ElMessage, ElMessageBox } from 'element-plus';
import { errorOf } from './api/client';
import { i18n } from './i18n';

/** Asks before a step that cannot be undone: true when the operator confirms. */
export function confirmed(message: string): Promise<boolean> {
  return ElMessageBox.confirm(message, { type: 'warning' }).then(
    () => true,
    () => false,
  );
}

/** Tells the operator that the API refused a request, with its message. */
export function showFailure(error: unknown): void {
  ElMessage.error(i18n.global.t('common.failed', { msg: errorOf(error).message }));
}
