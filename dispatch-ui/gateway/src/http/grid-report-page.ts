/**
 * The public report form of one grid cell (`GET /r/<cellId>`, opened from the cell's QR code): one
 * small server-rendered page for a phone, in Chinese with English, that loads nothing from anywhere
 * (inline style and script, allowed by a per-page nonce) and posts JSON to its own URL: category,
 * text, one optional photo (read in the browser, sent as base64), optional "use my location".
 */
import type { IncidentCategory } from '@fenghuo/contracts';

/** The categories the form offers, in the order shown, with their labels. */
export const FORM_CATEGORIES: readonly { value: IncidentCategory; zh: string; en: string }[] = [
  { value: 'disturbance', zh: '纠纷、扰民', en: 'Dispute or disturbance' },
  { value: 'suspicious', zh: '可疑情况', en: 'Something suspicious' },
  { value: 'theft', zh: '盗窃', en: 'Theft' },
  { value: 'violence', zh: '打架、暴力', en: 'Fight or violence' },
  { value: 'fire', zh: '火情、消防隐患', en: 'Fire or fire hazard' },
  { value: 'traffic', zh: '交通、道路隐患', en: 'Traffic or road hazard' },
  { value: 'medical', zh: '急病、受伤', en: 'Illness or injury' },
  { value: 'missing_person', zh: '走失', en: 'Missing person' },
  { value: 'fraud', zh: '诈骗', en: 'Fraud' },
  { value: 'other', zh: '其他（含安全隐患）', en: 'Other (hazards too)' },
];

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

export interface FormPageInput {
  readonly cellId: string;
  readonly formToken: string;
  /** The earliest the form may be sent, in ms after it was served. */
  readonly minAgeMs: number;
  readonly maxPhotoBytes: number;
  readonly nonce: string;
}

/** The page's Content-Security-Policy: nothing but itself. */
export function formPagePolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "img-src 'self' blob: data:",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function formPage(p: FormPageInput): string {
  const cell = escapeHtml(p.cellId);
  const options = FORM_CATEGORIES.map(
    (c) => `<option value="${c.value}">${escapeHtml(c.zh)} · ${escapeHtml(c.en)}</option>`,
  ).join('');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>网格上报 Report to the grid · ${cell}</title>
<style nonce="${p.nonce}">
*{box-sizing:border-box}body{margin:0;font:16px/1.45 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC",sans-serif;background:#f3f4f6;color:#111}
header{background:#b91c1c;color:#fff;padding:14px 16px}header h1{margin:0;font-size:20px}header p{margin:2px 0 0;font-size:13px;opacity:.9}
main{padding:16px;max-width:560px;margin:0 auto}label{display:block;font-weight:600;margin:14px 0 6px}.en{font-weight:400;color:#555;font-size:13px}
select,textarea,input[type=file]{width:100%;font:inherit;padding:10px;border:1px solid #bbb;border-radius:8px;background:#fff}
textarea{min-height:120px;resize:vertical}.row{display:flex;gap:8px;align-items:center;margin-top:14px;font-weight:400}
.row input{width:22px;height:22px}button{margin-top:18px;width:100%;padding:14px;font:inherit;font-weight:700;color:#fff;background:#b91c1c;border:0;border-radius:8px}
button:disabled{background:#999}.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
#status{margin-top:14px;padding:12px;border-radius:8px;display:none}#status.ok{display:block;background:#dcfce7}#status.err{display:block;background:#fee2e2}
footer{font-size:12px;color:#666;padding:0 16px 24px;max-width:560px;margin:0 auto}
</style></head>
<body>
<header><h1>网格上报 · Report to your grid</h1><p>网格 Cell ${cell} · 紧急情况请拨打 110 · In an emergency call 110</p></header>
<main>
<form id="report" method="post" action="/r/${cell}" novalidate>
<label for="category">类别 <span class="en">Category</span></label>
<select id="category" name="category" required>${options}</select>
<label for="text">情况说明 <span class="en">What happened, and where exactly</span></label>
<textarea id="text" name="text" maxlength="2000" required placeholder="例如：3号楼门口有人争吵 · e.g. people quarrelling at building 3"></textarea>
<label for="photo">照片（可选，一张） <span class="en">Photo (optional, one)</span></label>
<input id="photo" name="photo" type="file" accept="image/jpeg,image/png,image/webp">
<label class="row"><input id="useLocation" type="checkbox"> 使用我的位置 <span class="en">Use my location</span></label>
<div class="hp" aria-hidden="true"><label for="website">Website</label><input id="website" name="website" tabindex="-1" autocomplete="off"></div>
<input type="hidden" id="formToken" name="formToken" value="${escapeHtml(p.formToken)}">
<button id="send" type="submit">提交 · Send</button>
<div id="status" role="status"></div>
<noscript><p>此表单需要启用 JavaScript。This form needs JavaScript.</p></noscript>
</form>
</main>
<footer>上报内容仅供本网格社区民警及指挥中心处理。Your report goes to this cell's community officer and the command centre only.</footer>
<script nonce="${p.nonce}">
(function(){
var form=document.getElementById('report'),status=document.getElementById('status'),send=document.getElementById('send');
var opened=Date.now(),MIN_AGE=${Math.max(0, p.minAgeMs)},MAX_PHOTO=${p.maxPhotoBytes};
function say(ok,zh,en){status.className=ok?'ok':'err';status.textContent=zh+' · '+en;}
function readPhoto(file){return new Promise(function(res,rej){if(!file){res(undefined);return;}
if(file.size>MAX_PHOTO){rej(['照片太大（最大 2 MB）','The photo is too large (2 MB at most)']);return;}
var r=new FileReader();r.onload=function(){var s=String(r.result);res(s.slice(s.indexOf(',')+1));};r.onerror=function(){rej(['无法读取照片','Could not read the photo']);};r.readAsDataURL(file);});}
function locate(){return new Promise(function(res){if(!document.getElementById('useLocation').checked||!navigator.geolocation){res(undefined);return;}
navigator.geolocation.getCurrentPosition(function(p){res({lat:p.coords.latitude,lon:p.coords.longitude});},function(){res(undefined);},{timeout:10000,maximumAge:60000});});}
function wait(ms){return new Promise(function(r){setTimeout(r,ms);});}
form.addEventListener('submit',function(e){e.preventDefault();
var text=document.getElementById('text').value.trim();if(!text){say(false,'请填写情况说明','Please say what happened');return;}
send.disabled=true;say(true,'正在提交…','Sending…');
Promise.all([readPhoto(document.getElementById('photo').files[0]),locate()]).then(function(v){
var body={category:document.getElementById('category').value,text:text,formToken:document.getElementById('formToken').value,website:document.getElementById('website').value};
if(v[0])body.photo=v[0];if(v[1])body.location=v[1];
var early=MIN_AGE-(Date.now()-opened);
return wait(early>0?early:0).then(function(){return fetch(form.getAttribute('action'),{method:'POST',headers:{'Content-Type':'application/json'},body:JSON.stringify(body)});});
}).then(function(res){return res.json().then(function(b){return {res:res,b:b};});}).then(function(r){
if(r.res.status===202){form.reset();say(true,'已提交，谢谢！编号 '+(r.b.incidentId||''),'Sent, thank you. Reference '+(r.b.incidentId||''));return;}
if(r.res.status===429){say(false,'提交过于频繁，请 '+(r.res.headers.get('Retry-After')||'稍后')+' 秒后再试','Too many reports; try again in '+(r.res.headers.get('Retry-After')||'a few')+' s');send.disabled=false;return;}
say(false,'提交失败：'+((r.b.error&&r.b.error.message)||r.res.status)+'（请刷新页面）','Not sent: '+((r.b.error&&r.b.error.message)||r.res.status)+' (reload the page)');send.disabled=false;
}).catch(function(err){var m=Array.isArray(err)?err:['提交失败，请重试','Not sent; try again'];say(false,m[0],m[1]);send.disabled=false;});
});
})();
</script>
</body></html>
`;
}

/** The page for a cell the city does not have (404). */
export function unknownCellPage(cellId: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>未找到 Not found</title></head>
<body style="font-family:system-ui,sans-serif;padding:16px"><h1>未找到该网格</h1><p>No grid cell ${escapeHtml(cellId)} here. 紧急情况请拨打 110 · In an emergency call 110.</p></body></html>
`;
}
