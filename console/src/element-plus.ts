/**
 * The Element Plus components the console uses: only these are registered (main.ts) and bundled.
 * A page that needs another one adds it here (the plugin of its family: ElRadio also installs
 * ElRadioGroup and ElRadioButton, ElSelect ElOption, ElTable ElTableColumn).
 */
export {
  ElAlert,
  ElButton,
  ElCard,
  ElCheckbox,
  ElContainer,
  ElDialog,
  ElEmpty,
  ElForm,
  ElFormItem,
  ElHeader,
  ElInput,
  ElInputNumber,
  ElLoading,
  ElMain,
  ElMenu,
  ElMessageBox,
  ElMenuItem,
  ElOption,
  ElRadio,
  ElResult,
  ElSelect,
  ElSwitch,
  ElTable,
  ElTableColumn,
  ElTag,
} from 'element-plus';
