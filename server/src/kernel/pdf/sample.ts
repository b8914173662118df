import { type PdfSpec, vnDateTime, vnMoney, vnPlaceDate } from './index.js';

/**
 * A receipt in the shape of Circular 01/2018/TT-VPCP form 01 ("Giấy tiếp nhận hồ
 * sơ và hẹn trả kết quả"), stretched with a long dossier list and notes so that
 * it uses every block kind and runs over several pages. The tests render it, and
 * so can a contributor checking a layout change (see docs/pdf.md).
 */
export function sampleSpec(receivedAt = new Date('2026-11-22T17:30:00Z'), dueAt = new Date('2026-12-04T09:00:00Z')): PdfSpec {
  const papers = Array.from({ length: 30 }, (_, i) => [
    String(i + 1),
    i % 7 === 3
      ? 'Bản sao có chứng thực Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất, kèm sơ đồ thửa đất có xác nhận của Ủy ban nhân dân cấp xã nơi có đất'
      : `Giấy tờ số ${i + 1}: tờ khai đề nghị cấp đổi, cấp lại giấy phép (mẫu ${String(i + 1).padStart(2, '0')})`,
    i % 2 === 0 ? 'Bản chính' : 'Bản sao',
    i % 5 === 0 ? 'Đã đối chiếu với bản gốc' : '',
  ]);
  const note =
    'Hồ sơ được tiếp nhận, giải quyết theo đúng quy trình nội bộ đã được Chủ tịch Ủy ban nhân dân tỉnh phê duyệt. ' +
    'Trường hợp hồ sơ cần bổ sung, hoàn thiện, cơ quan giải quyết sẽ thông báo một lần bằng văn bản, nêu rõ lý do và thành phần cần bổ sung; ' +
    'thời gian công dân bổ sung hồ sơ không tính vào thời hạn giải quyết. Quá hạn giải quyết, cơ quan có trách nhiệm gửi văn bản xin lỗi ' +
    'và hẹn lại thời gian trả kết quả. Ông (bà) Nguyễn Thị Hương có thể tra cứu tình trạng hồ sơ trên Cổng Dịch vụ công của tỉnh hoặc gọi đường dây nóng.';
  return {
    meta: {
      title: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả 000.00.04.H42-261123-0001',
      author: 'Trung tâm Phục vụ hành chính công tỉnh Ninh Bình',
      subject: 'Cấp đổi giấy phép lái xe',
      keywords: ['hồ sơ', 'biên nhận', '000.00.04.H42-261123-0001'],
      createdAt: new Date('2026-11-22T17:30:00Z'),
    },
    header: {
      agency: ['Ủy ban nhân dân tỉnh Ninh Bình', 'Trung tâm Phục vụ hành chính công'],
      number: 'Số: 000.00.04.H42-261123-0001',
      placeDate: vnPlaceDate('Ninh Bình', receivedAt),
    },
    blocks: [
      { kind: 'title', text: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả', subtitle: '(Liên: Giao người nộp hồ sơ)' },
      {
        kind: 'text',
        text: 'Trung tâm Phục vụ hành chính công tỉnh Ninh Bình tiếp nhận hồ sơ của:',
        indent: true,
      },
      {
        kind: 'fields',
        rows: [
          ['Ông/bà', 'Nguyễn Thị Hương'],
          ['Địa chỉ', 'Số 18 đường Lê Hồng Phong, phường Đông Thành, thành phố Hoa Lư, tỉnh Ninh Bình, Việt Nam'],
          ['Số điện thoại', '0912 345 678'],
          ['Thư điện tử', ''],
          ['Nội dung yêu cầu giải quyết', 'Cấp đổi giấy phép lái xe do ngành Giao thông vận tải cấp'],
        ],
      },
      { kind: 'text', text: '1. Thành phần hồ sơ nộp gồm:', bold: true },
      {
        kind: 'table',
        columns: [{ title: 'STT', width: 0.6 }, { title: 'Tên giấy tờ', width: 5 }, { title: 'Hình thức', width: 1.6 }, { title: 'Ghi chú', width: 2 }],
        rows: papers,
      },
      {
        kind: 'list',
        numbered: true,
        items: [
          'Số lượng hồ sơ: 01 (bộ).',
          'Thời gian giải quyết hồ sơ theo quy định là: 10 ngày làm việc.',
          `Thời gian nhận hồ sơ: ${vnDateTime(receivedAt)}.`,
          `Thời gian trả kết quả giải quyết hồ sơ: ${vnDateTime(dueAt)}.`,
          `Lệ phí đã nộp: ${vnMoney(135000)}.`,
        ],
      },
      { kind: 'text', text: 'Lưu ý:', bold: true, italic: true },
      { kind: 'list', items: ['Xuất trình Giấy tiếp nhận hồ sơ này và giấy tờ tùy thân khi đến nhận kết quả.', 'Người nhận thay phải có giấy ủy quyền theo quy định.'] },
      { kind: 'text', text: Array.from({ length: 4 }, () => note).join('\n'), indent: true },
      { kind: 'text', text: 'Vào Sổ theo dõi hồ sơ, Quyển số: 03, Số thứ tự: 0001.', italic: true, align: 'left' },
      { kind: 'spacer' },
      {
        kind: 'signatures',
        blocks: [
          { title: 'Người nộp hồ sơ', subtitle: '(Ký và ghi rõ họ tên)', name: 'Nguyễn Thị Hương' },
          { title: 'Người tiếp nhận hồ sơ', subtitle: '(Ký và ghi rõ họ tên)', name: 'Trần Văn Đức' },
        ],
      },
    ],
    footer: 'Tra cứu hồ sơ: dichvucong.ninhbinh.gov.vn — mã hồ sơ 000.00.04.H42-261123-0001',
  };
}
